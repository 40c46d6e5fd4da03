<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>Diagnostics</name>
    <message>
        <source>num_features differs from the input&apos;s channels; nothing reads it because the module has no affine parameters or running statistics.</source>
        <translation>num_features が入力のチャネル数と違います。このモジュールにはアフィンパラメータも移動平均統計量もないので、num_features は使われません。</translation>
    </message>
    <message>
        <source>Some slices have no valid element: their mean and variance are NaN and their outputs 0.</source>
        <translation>有効な要素を 1 つも持たないスライスがあります。その平均と分散は NaN、出力は 0 です。</translation>
    </message>
    <message>
        <source>Some slices have exactly one valid element: x − mean = 0 there, so the output is the bias and the variance 0.</source>
        <translation>有効な要素がちょうど 1 つのスライスがあります。そこでは x − 平均 = 0 なので、出力はバイアスそのもので、分散は 0 です。</translation>
    </message>
    <message>
        <source>Some slices spread so widely that (x - mean)^2 overflows float32: PyTorch&apos;s float32 result is wrong there (NaN or 0). Use float64 or rescale.</source>
        <translation>(x - 平均)^2 が float32 であふれるほど広がったスライスがあります。そこでは PyTorch の float32 の結果は正しくありません（NaN または 0）。float64 を使うか、入力のスケールを変えてください。</translation>
    </message>
    <message>
        <source>Some slices hold NaN or infinite values: their statistics and outputs are not finite.</source>
        <translation>NaN や無限大を含むスライスがあります。その統計量と出力は有限の値になりません。</translation>
    </message>
    <message>
        <source>Slices with too few valid elements were left out of the running-statistics update.</source>
        <translation>有効な要素が少なすぎるスライスは、移動平均統計量の更新から外しました。</translation>
    </message>
</context>
<context>
    <name>Findings</name>
    <message>
        <source>The module&apos;s num_features (or num_channels) differs from the number of channels of its input.</source>
        <translation>モジュールの num_features（または num_channels）が入力のチャネル数と違います。</translation>
    </message>
    <message>
        <source>BatchNorm1d receives [N, L, C] (channels last): it normalises over the wrong axis.</source>
        <translation>BatchNorm1d に [N, L, C]（チャネルが最後）が渡されています。間違った軸で正規化します。</translation>
    </message>
    <message>
        <source>normalized_shape does not match the trailing dimensions of the input.</source>
        <translation>normalized_shape が入力の末尾の次元と一致しません。</translation>
    </message>
    <message>
        <source>LayerNorm(C) on a feature map normalises along its last axis (the width) only, not over the channels.</source>
        <translation>特徴マップに LayerNorm(C) を使うと、チャネルではなく最後の軸（幅）だけで正規化します。</translation>
    </message>
    <message>
        <source>The number of channels is not divisible by num_groups.</source>
        <translation>チャネル数が num_groups で割り切れません。</translation>
    </message>
    <message>
        <source>A batch of one: BatchNorm takes its statistics from a single sample.</source>
        <translation>バッチサイズが 1：BatchNorm は 1 サンプルだけから統計量を取ります。</translation>
    </message>
    <message>
        <source>InstanceNorm1d reads a 2D input [N, F] as one unbatched sample [C, L].</source>
        <translation>InstanceNorm1d は 2 次元の入力 [N, F] をバッチなしの 1 サンプル [C, L] として読みます。</translation>
    </message>
    <message>
        <source>Without running statistics, BatchNorm uses the batch&apos;s statistics even in eval mode.</source>
        <translation>移動平均統計量がないと、BatchNorm は評価モードでもバッチの統計量を使います。</translation>
    </message>
    <message>
        <source>The convolution&apos;s bias is cancelled by the normalization after it: wasted parameters.</source>
        <translation>畳み込みのバイアスは後ろの正規化で打ち消されます。無駄なパラメータです。</translation>
    </message>
    <message>
        <source>The module receives an input of a rank it does not accept.</source>
        <translation>モジュールが受け付けない次元数の入力を受け取っています。</translation>
    </message>
    <message>
        <source>nn.RMSNorm does not exist in this PyTorch version (it was added in 2.4).</source>
        <translation>この PyTorch のバージョンには nn.RMSNorm がありません（2.4 で追加されました）。</translation>
    </message>
    <message>
        <source>The convolution&apos;s in_channels differs from the number of channels of its input.</source>
        <translation>畳み込みの in_channels が入力のチャネル数と違います。</translation>
    </message>
    <message>
        <source>The Linear layer&apos;s in_features differs from the size of its input&apos;s last dimension.</source>
        <translation>Linear 層の in_features が入力の最後の次元の大きさと違います。</translation>
    </message>
    <message>
        <source>PyTorch rejects one of the module&apos;s arguments (a stride, kernel, padding or factor) when the layer runs.</source>
        <translation>この層を実行すると、PyTorch はモジュールの引数（stride、カーネル、padding、倍率）のいずれかを拒否します。</translation>
    </message>
    <message>
        <source>A size computed from the module&apos;s arguments does not fit in 64 bits.</source>
        <translation>モジュールの引数から計算したサイズが 64 ビットに収まりません。</translation>
    </message>
    <message>
        <source>The layer&apos;s output would have a size below 1.</source>
        <translation>この層の出力のサイズが 1 未満になります。</translation>
    </message>
    <message>
        <source>NormLab does not know this module&apos;s shape rule: the shapes after it are unknown.</source>
        <translation>NormLab はこのモジュールの形状の規則を知りません。これより後の形状は不明です。</translation>
    </message>
    <message>
        <source>The module&apos;s arguments could not be read.</source>
        <translation>モジュールの引数を読み取れませんでした。</translation>
    </message>
    <message>
        <source>The block&apos;s forward() could not be read from its declared sizes: its shapes are unknown, not guessed.</source>
        <translation>このブロックの forward() は宣言されたサイズから読み取れませんでした。形状は推測せず、不明としています。</translation>
    </message>
    <message>
        <source>PyTorch raised this error here in the traced forward pass.</source>
        <translation>PyTorch はトレースした順伝播のこの箇所でこのエラーを出しました。</translation>
    </message>
    <message>
        <source>The checkpoint and the model disagree on the layer&apos;s affine parameters (weight and bias).</source>
        <translation>チェックポイントとモデルで、この層のアフィンパラメータ（weight と bias）の有無が食い違っています。</translation>
    </message>
    <message>
        <source>The checkpoint and the model disagree on whether the layer keeps running statistics.</source>
        <translation>チェックポイントとモデルで、この層が移動平均統計量を持つかどうかが食い違っています。</translation>
    </message>
    <message>
        <source>The checkpoint lacks the layer&apos;s num_batches_tracked.</source>
        <translation>チェックポイントにこの層の num_batches_tracked がありません。</translation>
    </message>
    <message>
        <source>The checkpoint&apos;s tensors have another size than the model&apos;s: it was trained with another width.</source>
        <translation>チェックポイントのテンソルの大きさがモデルと違います。別の幅で学習されたものです。</translation>
    </message>
    <message>
        <source>The checkpoint&apos;s keys carry a prefix the model&apos;s do not (or the reverse), as a wrapped model saves them.</source>
        <translation>チェックポイントのキーには、モデルのキーにない接頭辞が付いています（またはその逆）。ラップされたモデルが保存するとこうなります。</translation>
    </message>
    <message>
        <source>Tensors of the model are missing from the checkpoint.</source>
        <translation>モデルのテンソルの一部がチェックポイントにありません。</translation>
    </message>
    <message>
        <source>The checkpoint holds tensors the model has no place for.</source>
        <translation>チェックポイントに、モデルに対応する場所のないテンソルがあります。</translation>
    </message>
    <message>
        <source>GroupNorm(1, C) and LayerNorm over (C, H, W) always normalise identically; only their affine parameters differ (per channel against per element).</source>
        <translation>GroupNorm(1, C) と (C, H, W) にわたる LayerNorm の正規化は常に同じです。違うのはアフィンパラメータだけです（チャネルごとか要素ごとか）。</translation>
    </message>
    <message>
        <source>InstanceNorm over a single spatial element (e.g. after global pooling): PyTorch raises ValueError, in training and in eval without running statistics (computed anyway, every output would be β).</source>
        <translation>空間要素が 1 つだけの InstanceNorm（大域プーリングの後など）：PyTorch は学習時も、移動平均統計量のない評価時も ValueError を送出します（仮に計算すれば、出力はすべて β になります）。</translation>
    </message>
    <message>
        <source>eps = 0: PyTorch accepts it, but a slice of variance 0 is then divided by zero. This is NormLab&apos;s advice, not a PyTorch rule.</source>
        <translation>eps = 0：PyTorch はこれを受け付けますが、分散 0 のスライスで 0 除算になります。これは NormLab の助言で、PyTorch の規則ではありません。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>the folder %1 does not exist</source>
        <translation>フォルダ %1 が存在しません</translation>
    </message>
    <message>
        <source>the configuration is invalid</source>
        <translation>設定が無効です</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 に書き込めません</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>note</source>
        <translation>注記</translation>
    </message>
    <message>
        <source>not a session file: %1 at offset %2</source>
        <translation>セッションファイルではありません：%1（オフセット %2）</translation>
    </message>
    <message>
        <source>not a NormLab session file (format %1 expected)</source>
        <translation>NormLab のセッションファイルではありません（形式 %1 が必要）</translation>
    </message>
    <message>
        <source>the session&apos;s input shape must have 1 to 5 dimensions</source>
        <translation>セッションの入力形状は 1～5 次元でなければなりません</translation>
    </message>
    <message>
        <source>the session&apos;s input shape has a size below 1</source>
        <translation>セッションの入力形状に 1 未満のサイズがあります</translation>
    </message>
    <message>
        <source>unknown generator &apos;%1&apos;</source>
        <translation>不明な生成方法「%1」</translation>
    </message>
    <message>
        <source>the session&apos;s dtype must be float32 or float64</source>
        <translation>セッションの dtype は float32 か float64 でなければなりません</translation>
    </message>
    <message>
        <source>the embedded input: %1</source>
        <translation>埋め込まれた入力：%1</translation>
    </message>
    <message>
        <source>the embedded input must be a float32/float64 array of rank 1 to 5</source>
        <translation>埋め込まれた入力は 1～5 次元の float32/float64 配列でなければなりません</translation>
    </message>
    <message>
        <source>the embedded mask: %1</source>
        <translation>埋め込まれたマスク：%1</translation>
    </message>
    <message>
        <source>the embedded mask must be a bool or uint8 array</source>
        <translation>埋め込まれたマスクは bool か uint8 の配列でなければなりません</translation>
    </message>
    <message>
        <source>the embedded mask has shape %1, the input %2</source>
        <translation>埋め込まれたマスクの形状は %1、入力は %2 です</translation>
    </message>
    <message>
        <source>the session&apos;s lengths must be non-negative integers</source>
        <translation>セッションの長さは 0 以上の整数でなければなりません</translation>
    </message>
    <message>
        <source>the session has both lengths and a painted mask; keep one</source>
        <translation>セッションに長さと描いたマスクの両方があります。どちらか一方にしてください</translation>
    </message>
    <message>
        <source>unknown backend &apos;%1&apos;</source>
        <translation>不明なバックエンド「%1」</translation>
    </message>
    <message>
        <source>unknown upstream gradient &apos;%1&apos;</source>
        <translation>不明な上流勾配「%1」</translation>
    </message>
    <message>
        <source>unknown γ, β setting &apos;%1&apos;</source>
        <translation>不明な γ, β の設定「%1」</translation>
    </message>
    <message>
        <source>the embedded γ/β: %1</source>
        <translation>埋め込まれた γ/β：%1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <source>the built-in lessons are missing</source>
        <translation>組み込みのレッスンが見つかりません</translation>
    </message>
    <message>
        <source>the Compare view&apos;s configuration: %1</source>
        <translation>「比較」ビューの設定：%1</translation>
    </message>
    <message>
        <source>the embedded running statistics: %1</source>
        <translation>埋め込まれた移動平均統計量：%1</translation>
    </message>
    <message>
        <source>not a 1-D floating-point array</source>
        <translation>1 次元の浮動小数点配列ではありません</translation>
    </message>
    <message>
        <source>a quiz needs 2 to 10 choices</source>
        <translation>クイズには 2～10 個の選択肢が必要です</translation>
    </message>
    <message>
        <source>a quiz choice has no English text</source>
        <translation>クイズの選択肢に英語のテキストがありません</translation>
    </message>
    <message>
        <source>the quiz&apos;s &quot;answer&quot; is not the index of one of its choices</source>
        <translation>クイズの &quot;answer&quot; が選択肢の番号になっていません</translation>
    </message>
    <message>
        <source>a quiz needs &quot;choices&quot; or a &quot;value&quot; of %1</source>
        <translation>クイズには &quot;choices&quot; か、%1 のいずれかの &quot;value&quot; が必要です</translation>
    </message>
    <message>
        <source>the quiz&apos;s value needs an &quot;index&quot; of 0 or more</source>
        <translation>クイズの value には 0 以上の &quot;index&quot; が必要です</translation>
    </message>
    <message>
        <source>the quiz needs a &quot;tolerance&quot; above 0 and at most 1</source>
        <translation>クイズには 0 より大きく 1 以下の &quot;tolerance&quot; が必要です</translation>
    </message>
    <message>
        <source>the file is larger than %1 MB</source>
        <translation>ファイルが %1 MB を超えています</translation>
    </message>
    <message>
        <source>not a lessons file (a JSON object with &quot;normlab_lessons&quot;: 1)</source>
        <translation>レッスンファイルではありません（&quot;normlab_lessons&quot;: 1 を持つ JSON オブジェクトが必要です）</translation>
    </message>
    <message>
        <source>the file holds no lesson</source>
        <translation>ファイルにレッスンがありません</translation>
    </message>
    <message>
        <source>lesson %1</source>
        <translation>レッスン %1</translation>
    </message>
    <message>
        <source>no English title</source>
        <translation>英語のタイトルがありません</translation>
    </message>
    <message>
        <source>no step</source>
        <translation>ステップがありません</translation>
    </message>
    <message>
        <source>lesson %1, step %2</source>
        <translation>レッスン %1、ステップ %2</translation>
    </message>
    <message>
        <source>no English text</source>
        <translation>英語のテキストがありません</translation>
    </message>
    <message>
        <source>unknown task key &quot;%1&quot;</source>
        <translation>不明な課題キー &quot;%1&quot;</translation>
    </message>
    <message>
        <source>the configuration does not run</source>
        <translation>この構成は実行できません</translation>
    </message>
    <message>
        <source>this configuration has no %1</source>
        <translation>この構成には %1 がありません</translation>
    </message>
    <message>
        <source>there is no %1 number %2</source>
        <translation>%1 の %2 番はありません</translation>
    </message>
    <message>
        <source>The file holds %1 lessons; the editor shows the first.</source>
        <translation>このファイルには %1 個のレッスンがあります。エディタには最初のものを表示します。</translation>
    </message>
    <message>
        <source>%1 is not a file</source>
        <translation>%1 はファイルではありません</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MB</source>
        <translation>%1 は %2 MB を超えています</translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation>%1 を読めません</translation>
    </message>
    <message>
        <source>the snippet</source>
        <translation>スニペット</translation>
    </message>
    <message>
        <source>NormLab ran out of memory: the operation was abandoned (the file or the setup needs more memory than this machine can give). Your work is kept.</source>
        <translation>NormLab のメモリが足りなくなりました。操作は中止しました（このファイルまたは設定には、このマシンが用意できる以上のメモリが必要です）。作業内容はそのまま残っています。</translation>
    </message>
    <message>
        <source>Out of memory</source>
        <translation>メモリ不足</translation>
    </message>
    <message>
        <source>cannot write %1: &quot;%2&quot; is not a picture format NormLab writes (use .png)</source>
        <translation>%1 を書き込めません：「%2」は NormLab が書き出す画像形式ではありません（.png を使ってください）</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 を書き込めません：%2</translation>
    </message>
    <message>
        <source>the session</source>
        <translation>セッション</translation>
    </message>
    <message>
        <source>task &quot;variant&quot; names &quot;%1&quot;, which is no variant</source>
        <translation>課題の &quot;variant&quot; が「%1」を指定していますが、そのようなバリアントはありません</translation>
    </message>
    <message>
        <source>task &quot;view&quot; names &quot;%1&quot;, which is no view</source>
        <translation>課題の &quot;view&quot; が「%1」を指定していますが、そのようなビューはありません</translation>
    </message>
    <message>
        <source>task &quot;dtype&quot; names &quot;%1&quot;, which is no dtype</source>
        <translation>課題の &quot;dtype&quot; が「%1」を指定していますが、そのようなデータ型はありません</translation>
    </message>
    <message>
        <source>the text is longer than %1 characters</source>
        <translation>本文が %1 文字を超えています</translation>
    </message>
    <message>
        <source>...</source>
        <translation>...</translation>
    </message>
</context>
<context>
    <name>WorkbenchLimits</name>
    <message>
        <source>an input of %1 has more elements than the workbench computes (2^31)</source>
        <translation>入力 %1 の要素数は、ワークベンチが計算できる上限（2^31）を超えています</translation>
    </message>
    <message>
        <source>an input of %1 would need about %2 of memory to show; this machine has %3 available</source>
        <translation>入力 %1 を表示するには約 %2 のメモリが必要ですが、このマシンで使えるのは %3 です</translation>
    </message>
    <message>
        <source>the input shape %1 has a size above %2, the most the size editors take (load the data as a .npy file instead)</source>
        <translation>入力形状 %1 には %2 を超えるサイズがあり、サイズ入力欄の上限を超えています（データは .npy ファイルとして読み込んでください）</translation>
    </message>
    <message>
        <source>the seed %1 is above %2, the most the seed editor takes</source>
        <translation>シード %1 はシード入力欄の上限 %2 を超えています</translation>
    </message>
    <message>
        <source>the generator&apos;s mean %1 or spread %2 is outside what its editors take (|mean| and spread up to %3)</source>
        <translation>生成器の平均 %1 または広がり %2 が入力欄の範囲外です（|平均| と広がりは %3 まで）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CaptureDock</name>
    <message>
        <source>No capture open. File &gt; Open capture... reads a folder written by normlab_trace.py --activations.</source>
        <translation>キャプチャは開かれていません。「ファイル」&gt;「キャプチャを開く...」で normlab_trace.py --activations が書き出したフォルダを読み込みます。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop computing the layers&apos; health</source>
        <translation>各層の健全性の計算を止めます</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>入力形状</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健全性</translation>
    </message>
    <message>
        <source>%1 normalization layers from %2 (PyTorch %3); health of %4 computed. Select a layer to open it in the workbench.</source>
        <translation>%2 の正規化層 %1 個（PyTorch %3）。%4 層の健全性を計算しました。層を選ぶとワークベンチで開きます。</translation>
    </message>
    <message>
        <source>%1 holds no normalization layer</source>
        <translation>%1 には正規化層がありません</translation>
    </message>
    <message>
        <source>(first %1 captured)</source>
        <translation>（先頭の %1 個を取得）</translation>
    </message>
    <message>
        <source>computing...</source>
        <translation>計算中...</translation>
    </message>
    <message>
        <source>%1 normalization layers from %2 (PyTorch %3); computing their health...</source>
        <translation>%2 の正規化層 %1 個（PyTorch %3）。健全性を計算しています...</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>読み込めません</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>問題なし</translation>
    </message>
    <message>
        <source>Health: %1 of %2 layers...</source>
        <translation>健全性：%2 層中 %1 層...</translation>
    </message>
    <message>
        <source>The inputs were generated (%1), not your data: the statistics describe that data, not your model&apos;s.</source>
        <translation>入力は生成されたもの（%1）で、あなたのデータではありません。統計量はその生成データを表しており、モデルの実データを表すものではありません。</translation>
    </message>
    <message>
        <source>The trouble starts at %1 (the first layer whose eval output departs from its training output); the later layers that diverge inherit it.</source>
        <translation>問題は %1 から始まります（eval モードの出力が訓練モードの出力から最初に外れる層です）。その後で外れる層は、それを受け継いでいます。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CodeView</name>
    <message>
        <source>&amp;Copy</source>
        <translation>コピー(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Save snippet and files...</source>
        <translation>コードとファイルを保存(&amp;S)...</translation>
    </message>
    <message>
        <source>Writes %1 with input.npy (the exact input), mask.npy and the affine parameters into a folder: run it there with python3.</source>
        <translation>%1 を input.npy（正確な入力）、mask.npy、アフィンパラメータと一緒にフォルダへ書き出します。そこで python3 で実行してください。</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>クリップボードにコピーしました。</translation>
    </message>
    <message>
        <source>Save the snippet and its files into</source>
        <translation>コードとファイルの保存先</translation>
    </message>
    <message>
        <source>Cannot save the snippet</source>
        <translation>コードを保存できません</translation>
    </message>
    <message>
        <source>Python 3 with PyTorch and NumPy. Save writes the exact input next to the snippet; without it the snippet draws a look-alike input.</source>
        <translation>PyTorch と NumPy の入った Python 3 が必要です。「保存」は正確な入力をコードの隣に書き出します。それがないと、コードは似た入力を生成します。</translation>
    </message>
    <message>
        <source>nothing has been computed yet</source>
        <translation>まだ何も計算されていません</translation>
    </message>
    <message>
        <source>Saved into %1.</source>
        <translation>%1 に保存しました。</translation>
    </message>
    <message>
        <source>PyTorch code</source>
        <translation>PyTorch コード</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CompareView</name>
    <message>
        <source>Compare</source>
        <translation>比較</translation>
    </message>
    <message>
        <source>Configuration B</source>
        <translation>設定 B</translation>
    </message>
    <message>
        <source>n × C + c</source>
        <translation>n × C + c</translation>
    </message>
    <message>
        <source>position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>y</source>
        <translation>y</translation>
    </message>
    <message>
        <source>A: the workbench</source>
        <translation>A：ワークベンチ</translation>
    </message>
    <message>
        <source>B: the panel at the left</source>
        <translation>B：左のパネル</translation>
    </message>
    <message>
        <source>computing B...</source>
        <translation>B を計算中…</translation>
    </message>
    <message>
        <source>B (%1) does not run on this input: %2</source>
        <translation>B（%1）はこの入力では実行できません：%2</translation>
    </message>
    <message>
        <source>A: %1, %2 slices sharing statistics · B: %3, %4 slices · largest |y_A − y_B| = %5 over the valid elements</source>
        <translation>A：%1、統計量を共有するスライス %2 個 · B：%3、スライス %4 個 · 有効な要素での |y_A − y_B| の最大値 = %5</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CubeView</name>
    <message>
        <source>BatchNorm: one mean/variance per channel, over N and the positions</source>
        <translation>BatchNorm：チャネルごとに平均と分散が 1 組、N とすべての位置にわたって計算</translation>
    </message>
    <message>
        <source>InstanceNorm: one per sample and channel, over the positions</source>
        <translation>InstanceNorm：サンプルとチャネルごとに 1 組、すべての位置にわたって計算</translation>
    </message>
    <message>
        <source>LayerNorm: one per leading index, over normalized_shape</source>
        <translation>LayerNorm：先頭側のインデックスごとに 1 組、normalized_shape にわたって計算</translation>
    </message>
    <message>
        <source>GroupNorm: one per sample and group of channels, over the group and the positions</source>
        <translation>GroupNorm：サンプルとチャネルグループごとに 1 組、グループとすべての位置にわたって計算</translation>
    </message>
    <message>
        <source>RMSNorm: one root mean square per leading index</source>
        <translation>RMSNorm：先頭側のインデックスごとに二乗平均平方根が 1 つ</translation>
    </message>
    <message>
        <source>Batch-Channel Norm, batch stage: one per channel (as BatchNorm)</source>
        <translation>Batch-Channel Norm のバッチ段：チャネルごとに 1 組（BatchNorm と同じ）</translation>
    </message>
    <message>
        <source>Custom: one per index of the kept axes</source>
        <translation>カスタム：残す軸のインデックスごとに 1 組</translation>
    </message>
    <message>
        <source>Cube</source>
        <translation>立方体</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>色分け</translation>
    </message>
    <message>
        <source>the highlighted slice (as in the Group Norm paper)</source>
        <translation>強調したスライス（Group Norm 論文の図のように）</translation>
    </message>
    <message>
        <source>every slice in its own colour</source>
        <translation>スライスごとに別の色</translation>
    </message>
    <message>
        <source>L</source>
        <translation>L</translation>
    </message>
    <message>
        <source>H·W</source>
        <translation>H·W</translation>
    </message>
    <message>
        <source>D·H·W</source>
        <translation>D·H·W</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>%1 = %2
(%3 drawn)</source>
        <translation>%1 = %2
（%3 個を描画）</translation>
    </message>
    <message>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <source>Hover a cell to highlight the elements that share its statistics.</source>
        <translation>セルにマウスを合わせると、その統計量を共有する要素が強調されます。</translation>
    </message>
    <message>
        <source>slice %1: %2 valid elements share μ = %3, σ² = %4 (hover a cell here or in the Slices view)</source>
        <translation>スライス %1：有効な要素 %2 個が μ = %3、σ² = %4 を共有（ここか「スライス」ビューでセルにマウスを合わせてください）</translation>
    </message>
    <message>
        <source>Export picture (PNG, PDF)...</source>
        <translation>画像をエクスポート（PNG、PDF）...</translation>
    </message>
    <message>
        <source>Export the cube</source>
        <translation>立方体をエクスポート</translation>
    </message>
    <message>
        <source>Images (*.png *.pdf)</source>
        <translation>画像 (*.png *.pdf)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>エクスポートに失敗しました</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 に書き込めませんでした。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::DebuggerView</name>
    <message>
        <source>Paste what print(model) prints</source>
        <translation>print(model) の出力を貼り付けてください</translation>
    </message>
    <message>
        <source>The PyTorch version whose behaviour the findings describe: 2.1 changed InstanceNorm&apos;s num_features checks, 2.4 added nn.RMSNorm</source>
        <translation>診断結果が前提とする PyTorch のバージョン：2.1 で InstanceNorm の num_features の検査が変わり、2.4 で nn.RMSNorm が加わりました</translation>
    </message>
    <message>
        <source>Open model text...</source>
        <translation>モデルのテキストを開く...</translation>
    </message>
    <message>
        <source>Analyse</source>
        <translation>解析</translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation>Ctrl+Return</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>入力形状</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>出力形状</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>診断結果</translation>
    </message>
    <message>
        <source>Open this layer in the workbench</source>
        <translation>この層をワークベンチで開く</translation>
    </message>
    <message>
        <source>Input shape:</source>
        <translation>入力形状：</translation>
    </message>
    <message>
        <source>PyTorch:</source>
        <translation>PyTorch：</translation>
    </message>
    <message>
        <source>Open model text</source>
        <translation>モデルのテキストを開く</translation>
    </message>
    <message>
        <source>Text (*.txt *.log);;All files (*)</source>
        <translation>テキスト (*.txt *.log);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>The input shape</source>
        <translation>入力形状</translation>
    </message>
    <message>
        <source>The PyTorch version must look like 2.1 or 1.13</source>
        <translation>PyTorch のバージョンは 2.1 や 1.13 のように書いてください</translation>
    </message>
    <message>
        <source>Cannot read the model text: %1 (the last analysis stays below)</source>
        <translation>モデルのテキストを読めません：%1（前回の解析結果は下に残ります）</translation>
    </message>
    <message>
        <source>%1 layers; %2 errors, %3 warnings, %4 notes (PyTorch %5). %6</source>
        <translation>%1 層、エラー %2 件、警告 %3 件、注記 %4 件（PyTorch %5）。%6</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>line %1 of the text; input %2, output %3</source>
        <translation>テキストの %1 行目、入力 %2、出力 %3</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>修正案：</translation>
    </message>
    <message>
        <source>No findings on this layer.</source>
        <translation>この層には診断結果がありません。</translation>
    </message>
    <message>
        <source>Set up the workbench with this layer and an input of shape %1</source>
        <translation>この層と形状 %1 の入力でワークベンチを設定します</translation>
    </message>
    <message>
        <source>Only normalization layers with a known input shape</source>
        <translation>入力形状が分かっている正規化層のみ</translation>
    </message>
    <message>
        <source>Debugger</source>
        <translation>デバッガ</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>確定</translation>
    </message>
    <message>
        <source>inferred</source>
        <translation>推定</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>Shape is</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Rests on:</source>
        <translation>根拠:</translation>
    </message>
    <message>
        <source>Open trace...</source>
        <translation>トレースを開く...</translation>
    </message>
    <message>
        <source>A trace of the real forward pass, written by normlab_trace.py: exact shapes</source>
        <translation>normlab_trace.py が書き出した実際の順伝播のトレース: 形状は確定</translation>
    </message>
    <message>
        <source>Trace script...</source>
        <translation>トレース用スクリプト...</translation>
    </message>
    <message>
        <source>Save normlab_trace.py and copy the three lines that trace a model from a notebook</source>
        <translation>normlab_trace.py を保存し、ノートブックからモデルをトレースする 3 行をコピーします</translation>
    </message>
    <message>
        <source>Open trace</source>
        <translation>トレースを開く</translation>
    </message>
    <message>
        <source>Traces (*.json);;All files (*)</source>
        <translation>トレース (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>%1: %2 (the last analysis stays below)</source>
        <translation>%1: %2（前回の解析はそのまま表示しています）</translation>
    </message>
    <message>
        <source>Trace %1.</source>
        <translation>トレース %1。</translation>
    </message>
    <message>
        <source>Save the trace script</source>
        <translation>トレース用スクリプトを保存</translation>
    </message>
    <message>
        <source>Python (*.py)</source>
        <translation>Python (*.py)</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 に書き込めません</translation>
    </message>
    <message>
        <source>Saved %1. The lines that trace a model from a notebook are on the clipboard; or run: python3 normlab_trace.py --model my_model.py:build --input-shape 2,3,224,224 --out trace.json, then Open trace.</source>
        <translation>%1 を保存しました。ノートブックからモデルをトレースする行はクリップボードにあります。または python3 normlab_trace.py --model my_model.py:build --input-shape 2,3,224,224 --out trace.json を実行し、「トレースを開く」で開いてください。</translation>
    </message>
    <message>
        <source>Open checkpoint...</source>
        <translation>チェックポイントを開く...</translation>
    </message>
    <message>
        <source>A checkpoint to load into this model (.pt, .pth, .bin, .safetensors): what load_state_dict would raise, and why. Only its headers are read; no code in it runs.</source>
        <translation>このモデルに読み込むチェックポイント（.pt、.pth、.bin、.safetensors）：load_state_dict が出すエラーとその理由。読むのはヘッダだけで、ファイル内のコードは実行しません。</translation>
    </message>
    <message>
        <source>Forget checkpoint</source>
        <translation>チェックポイントを外す</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>チェックポイントを開く</translation>
    </message>
    <message>
        <source>Checkpoints (*.pt *.pth *.bin *.safetensors *.ckpt);;All files (*)</source>
        <translation>チェックポイント (*.pt *.pth *.bin *.safetensors *.ckpt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Cannot read the checkpoint: %1 (nothing changed)</source>
        <translation>チェックポイントを読めません：%1（何も変更していません）</translation>
    </message>
    <message>
        <source>Checkpoint %1</source>
        <translation>チェックポイント %1</translation>
    </message>
    <message>
        <source>load_state_dict loads it.</source>
        <translation>load_state_dict で読み込めます。</translation>
    </message>
    <message>
        <source>load_state_dict raises:</source>
        <translation>load_state_dict は次のエラーを出します：</translation>
    </message>
    <message>
        <source>With strict=False it still raises (sizes differ).</source>
        <translation>strict=False でもエラーになります（大きさが違うため）。</translation>
    </message>
    <message>
        <source>With strict=False it loads: unexpected tensors are ignored, missing ones keep their initial values (see the layers&apos; findings).</source>
        <translation>strict=False なら読み込めますが、余分なテンソルは無視され、足りないものは初期値のままです（各層の診断結果を参照）。</translation>
    </message>
    <message>
        <source>%1 tensors</source>
        <translation>テンソル %1 個</translation>
    </message>
    <message>
        <source>This trace lists no modules (an older normlab_trace.py wrote it): trace the model again to check the checkpoint against it.</source>
        <translation>このトレースにはモジュールの一覧がありません（古い normlab_trace.py で書き出されたもの）。チェックポイントと照合するには、モデルをもう一度トレースしてください。</translation>
    </message>
    <message>
        <source>the trace</source>
        <translation>トレース</translation>
    </message>
    <message>
        <source>%1 (the last analysis stays below)</source>
        <translation>%1（前回の解析はそのまま表示しています）</translation>
    </message>
    <message>
        <source>it cannot be checked: %1</source>
        <translation>照合できません：%1</translation>
    </message>
    <message>
        <source>Shape of the model&apos;s input, e.g. 1,256,64,64. Optional: left empty, what the text itself fixes (the channels inside nn.Sequential) is checked</source>
        <translation>モデルの入力の形状（例：1,256,64,64）。省略可：空欄のときは、テキスト自体が決めるもの（nn.Sequential 内のチャネル数）を検査します</translation>
    </message>
    <message>
        <source>input shape (optional)</source>
        <translation>入力の形状（省略可）</translation>
    </message>
    <message>
        <source>Trace with Python...</source>
        <translation>Python でトレース...</translation>
    </message>
    <message>
        <source>Run the model&apos;s forward pass under your Python with PyTorch and open its trace: every shape exact</source>
        <translation>お使いの Python と PyTorch でモデルの順伝播を実行し、そのトレースを開きます。すべての形状が厳密になります</translation>
    </message>
    <message>
        <source>Cancel trace</source>
        <translation>トレースを中止</translation>
    </message>
    <message>
        <source>Tracing... %1 s%2</source>
        <translation>トレース中... %1 秒%2</translation>
    </message>
    <message>
        <source>Trace cancelled; the last analysis stays below.</source>
        <translation>トレースを中止しました。前回の解析はそのまま表示しています。</translation>
    </message>
    <message>
        <source>Tracing...</source>
        <translation>トレース中...</translation>
    </message>
</context>
<context>
    <name>normlab::ui::GradientsView</name>
    <message>
        <source>Gradients</source>
        <translation>勾配</translation>
    </message>
    <message>
        <source>dx: n × C + c</source>
        <translation>dx：n × C + c</translation>
    </message>
    <message>
        <source>ones: L = Σ y</source>
        <translation>すべて 1：L = Σ y</translation>
    </message>
    <message>
        <source>random: L = Σ r·y</source>
        <translation>ランダム：L = Σ r·y</translation>
    </message>
    <message>
        <source>one channel: L = Σ y[:, c]</source>
        <translation>1 チャネル：L = Σ y[:, c]</translation>
    </message>
    <message>
        <source>MSE to 0: L = mean(y²)</source>
        <translation>0 への平均二乗誤差：L = mean(y²)</translation>
    </message>
    <message>
        <source>Upstream gradient dy = ∂L/∂y for</source>
        <translation>上流勾配 dy = ∂L/∂y、損失は</translation>
    </message>
    <message>
        <source>channel c</source>
        <translation>チャネル c</translation>
    </message>
    <message>
        <source>dγ</source>
        <translation>dγ</translation>
    </message>
    <message>
        <source>dβ</source>
        <translation>dβ</translation>
    </message>
    <message>
        <source>parameter</source>
        <translation>パラメータ</translation>
    </message>
    <message>
        <source>dγ, dβ</source>
        <translation>dγ, dβ</translation>
    </message>
    <message>
        <source>finite-difference check skipped (more than %1 elements)</source>
        <translation>有限差分チェックは省略しました（要素が %1 個を超えています）</translation>
    </message>
    <message>
        <source>finite-difference check on %1 elements of x (float64, h = 1e-6): max |analytic − numeric| = %2</source>
        <translation>x の %1 個の要素で有限差分チェック（float64、h = 1e-6）：max |解析解 − 数値解| = %2</translation>
    </message>
    <message>
        <source> dx = 0: every slice&apos;s statistics absorb this gradient (a uniform dy moves only the mean, which normalisation removes).</source>
        <translation> dx = 0：各スライスの統計量がこの勾配を吸収します（一様な dy は平均を動かすだけで、正規化がその平均を取り除きます）。</translation>
    </message>
    <message>
        <source>upstream: %1.%4 %2%3</source>
        <translation>上流：%1。%4 %2%3</translation>
    </message>
    <message>
        <source>; no affine parameters</source>
        <translation>。アフィンパラメータなし</translation>
    </message>
</context>
<context>
    <name>normlab::ui::InputPanel</name>
    <message>
        <source>Rank</source>
        <translation>次元数</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>生成方法</translation>
    </message>
    <message>
        <source>Mean / value</source>
        <translation>平均 / 値</translation>
    </message>
    <message>
        <source>Spread (std)</source>
        <translation>広がり（標準偏差）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <source>e.g. 16, 9, 1, 0 (one per sample; empty: no mask)</source>
        <translation>例：16, 9, 1, 0（サンプルごとに 1 つ。空欄ならマスクなし）</translation>
    </message>
    <message>
        <source>Lengths</source>
        <translation>長さ</translation>
    </message>
    <message>
        <source>Paint a mask on the Slices view: choose a brush above its plot and drag over the cells.</source>
        <translation>「スライス」ビューでマスクを描きます。図の上でブラシを選び、セルの上をドラッグしてください。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>消去</translation>
    </message>
    <message>
        <source>Remove the painted mask (every element valid)</source>
        <translation>描いたマスクを削除（すべての要素が有効）</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>マスク</translation>
    </message>
    <message>
        <source>Load .npy...</source>
        <translation>.npy を読み込む...</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Activations loaded before</source>
        <translation>以前に読み込んだ活性化</translation>
    </message>
    <message>
        <source>none painted</source>
        <translation>描かれていません</translation>
    </message>
    <message>
        <source>%1 of %2 masked out</source>
        <translation>%2 個中 %1 個をマスク</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a length (a non-negative integer)</source>
        <translation>「%1」は長さではありません（0 以上の整数）</translation>
    </message>
    <message>
        <source>sliders are shown for batches of up to %1 samples</source>
        <translation>スライダーはサンプル数 %1 以下のバッチで表示されます</translation>
    </message>
    <message>
        <source>valid length of sample %1</source>
        <translation>サンプル %1 の有効長</translation>
    </message>
    <message>
        <source>Load an activation</source>
        <translation>活性化を読み込む</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy)</source>
        <translation>NumPy 配列 (*.npy)</translation>
    </message>
    <message>
        <source>Cannot load %1</source>
        <translation>%1 を読み込めません</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>N (batch)</source>
        <translation>N（バッチ）</translation>
    </message>
    <message>
        <source>C (channels)</source>
        <translation>C（チャネル）</translation>
    </message>
    <message>
        <source>D1</source>
        <translation>D1</translation>
    </message>
    <message>
        <source>D2</source>
        <translation>D2</translation>
    </message>
    <message>
        <source>D3</source>
        <translation>D3</translation>
    </message>
</context>
<context>
    <name>normlab::ui::InvertibilityView</name>
    <message>
        <source>Invertibility</source>
        <translation>可逆性</translation>
    </message>
    <message>
        <source>|x − x′|: n × C + c</source>
        <translation>|x − x′|：n × C + c</translation>
    </message>
    <message>
        <source>sample n</source>
        <translation>サンプル n</translation>
    </message>
    <message>
        <source>log|det J|</source>
        <translation>log|det J|</translation>
    </message>
    <message>
        <source>Inverse with statistics re-estimated from y (the flow bug): max error %1. The stored statistics give %2.</source>
        <translation>y から推定し直した統計量による逆変換（フローでよくあるバグ）：最大誤差 %1。保存した統計量なら %2。</translation>
    </message>
    <message>
        <source>Inverse with the stored statistics: max |x − x′| = %1 (rounding only).</source>
        <translation>保存した統計量による逆変換：max |x − x′| = %1（丸め誤差のみ）。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::JacobianView</name>
    <message>
        <source>Jacobian</source>
        <translation>ヤコビアン</translation>
    </message>
    <message>
        <source>Slice</source>
        <translation>スライス</translation>
    </message>
    <message>
        <source>output element i (of the slice)</source>
        <translation>出力要素 i（スライス内）</translation>
    </message>
    <message>
        <source>∂y_i / ∂x_j</source>
        <translation>∂y_i / ∂x_j</translation>
    </message>
    <message>
        <source>input element j (of the slice)</source>
        <translation>入力要素 j（スライス内）</translation>
    </message>
    <message>
        <source>singular value, largest first</source>
        <translation>特異値（大きい順）</translation>
    </message>
    <message>
        <source>singular value (log scale)</source>
        <translation>特異値（対数目盛）</translation>
    </message>
    <message>
        <source>kept (above the rank tolerance)</source>
        <translation>残る（ランク判定の許容値より大きい）</translation>
    </message>
    <message>
        <source>lost (at most the tolerance; drawn on it)</source>
        <translation>失われる（許容値以下。許容値の位置に表示）</translation>
    </message>
    <message>
        <source>Pick a slice: its Jacobian appears here.</source>
        <translation>スライスを選ぶと、そのヤコビアンがここに表示されます。</translation>
    </message>
    <message>
        <source>Computing the Jacobian of slice %1…</source>
        <translation>スライス %1 のヤコビアンを計算中…</translation>
    </message>
    <message>
        <source>No Jacobian: %1</source>
        <translation>ヤコビアンはありません: %1</translation>
    </message>
    <message>
        <source>Slice %1: %2 valid elements; rank %3 of %4 (singular values above %5).</source>
        <translation>スライス %1: 有効な要素 %2 個。ランクは %4 のうち %3（%5 より大きい特異値の数）。</translation>
    </message>
    <message>
        <source>Sampled: the slice has more than %1 elements, so one element in %2 is shown; the spectrum is that of the sampled block, not of the whole slice.</source>
        <translation>抽出表示: スライスの要素が %1 個を超えるため、%2 個に 1 個を表示しています。スペクトルは抽出したブロックのもので、スライス全体のものではありません。</translation>
    </message>
    <message>
        <source>Eval with running statistics: each output depends on its own input only (a diagonal), so the samples of a batch do not interact.</source>
        <translation>移動平均統計量を使う評価モード: 各出力は自分の入力だけに依存し（対角行列）、バッチ内のサンプルは互いに影響しません。</translation>
    </message>
    <message>
        <source>Batch statistics: the smallest singular value, %1, belongs to adding a constant to the slice (the mean removes it); the next, %2, to scaling the slice (the division by the standard deviation undoes it, except for eps); the other %3 are |γ|/√(var + eps) = %4. Before γ and β the output has mean 0 and mean square var/(var + eps), just under 1: it lies on a sphere in the plane where its mean is 0.</source>
        <translation>バッチ統計量: 最小の特異値 %1 は、スライス全体に定数を加える方向に対応します（平均の減算で消えます）。次の %2 はスライスを定数倍する方向です（標準偏差での除算が打ち消し、eps の分だけ残ります）。残りの %3 個は |γ|/√(var + eps) = %4 です。γ と β の前の出力は平均 0、二乗平均 var/(var + eps)（1 よりわずかに小さい）なので、平均 0 の平面上の球面にあります。</translation>
    </message>
    <message>
        <source>RMSNorm does not centre: only scaling the slice is undone (smallest singular value %1, kept only by eps); the other %2 are |γ|·r = %3.</source>
        <translation>RMSNorm は中心化しません。打ち消されるのはスライスを定数倍する方向だけです（最小の特異値 %1、eps によってのみ残ります）。残りの %2 個は |γ|·r = %3 です。</translation>
    </message>
    <message>
        <source>Batch statistics with γ varying within the slice: J = diag(γ) times a symmetric matrix; adding a constant to the slice still changes nothing (smallest singular value %1).</source>
        <translation>スライス内で γ が異なるバッチ統計量: J = diag(γ) × 対称行列です。スライス全体に定数を加えても、やはり何も変わりません（最小の特異値 %1）。</translation>
    </message>
    <message>
        <source>The slice whose Jacobian is shown (hovering a slice in the Slices or Cube view picks it too)</source>
        <translation>ヤコビアンを表示するスライス（スライスビューや立体ビューでスライスにカーソルを合わせても選べます）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::LessonEditor</name>
    <message>
        <source>Lesson editor</source>
        <translation>レッスンエディタ</translation>
    </message>
    <message>
        <source>Lesson id</source>
        <translation>レッスン ID</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>タイトル</translation>
    </message>
    <message>
        <source>Add step from the workbench</source>
        <translation>ワークベンチからステップを追加</translation>
    </message>
    <message>
        <source>A new step whose setup is the workbench as it is now</source>
        <translation>今のワークベンチの状態をセットアップとする新しいステップ</translation>
    </message>
    <message>
        <source>Set up from the workbench</source>
        <translation>ワークベンチからセットアップ</translation>
    </message>
    <message>
        <source>This step&apos;s setup becomes the workbench as it is now</source>
        <translation>このステップのセットアップを今のワークベンチの状態にします</translation>
    </message>
    <message>
        <source>No setup</source>
        <translation>セットアップなし</translation>
    </message>
    <message>
        <source>This step keeps the workbench as the learner left it</source>
        <translation>このステップでは学習者が残したままのワークベンチを使います</translation>
    </message>
    <message>
        <source>Remove step</source>
        <translation>ステップを削除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上へ</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下へ</translation>
    </message>
    <message>
        <source>Text (rich text: &lt;b&gt;, &lt;i&gt;, &lt;code&gt;; a missing language shows the English)</source>
        <translation>テキスト（リッチテキスト: &lt;b&gt;、&lt;i&gt;、&lt;code&gt;。ない言語は英語で表示）</translation>
    </message>
    <message>
        <source>Task: the conditions to meet (ticked)</source>
        <translation>課題: 満たすべき条件（チェックしたもの）</translation>
    </message>
    <message>
        <source>Offer the workbench&apos;s conditions now</source>
        <translation>今のワークベンチの条件を表示</translation>
    </message>
    <message>
        <source>Quiz</source>
        <translation>クイズ</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>choices</source>
        <translation>選択肢</translation>
    </message>
    <message>
        <source>a number read off the workbench</source>
        <translation>ワークベンチから読み取る数値</translation>
    </message>
    <message>
        <source>one choice per line</source>
        <translation>1 行に 1 つの選択肢</translation>
    </message>
    <message>
        <source>Choices</source>
        <translation>選択肢</translation>
    </message>
    <message>
        <source>Right choice (1 = first)</source>
        <translation>正解（1 = 最初）</translation>
    </message>
    <message>
        <source>The value of</source>
        <translation>値の種類</translation>
    </message>
    <message>
        <source>Index (slice or channel)</source>
        <translation>番号（スライスまたはチャネル）</translation>
    </message>
    <message>
        <source>Tolerance (relative)</source>
        <translation>許容誤差（相対）</translation>
    </message>
    <message>
        <source>explanation shown after the answer (English)</source>
        <translation>解答後に表示する説明（英語）</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>Open...</source>
        <translation>開く...</translation>
    </message>
    <message>
        <source>Save as...</source>
        <translation>名前を付けて保存...</translation>
    </message>
    <message>
        <source>Try it in the Lesson dock</source>
        <translation>レッスンパネルで試す</translation>
    </message>
    <message>
        <source>Open lessons</source>
        <translation>レッスンを開く</translation>
    </message>
    <message>
        <source>NormLab lessons (*.json)</source>
        <translation>NormLab レッスン (*.json)</translation>
    </message>
    <message>
        <source>Cannot open the lessons</source>
        <translation>レッスンを開けません</translation>
    </message>
    <message>
        <source>Save the lesson</source>
        <translation>レッスンを保存</translation>
    </message>
    <message>
        <source>Cannot save the lesson</source>
        <translation>レッスンを保存できません</translation>
    </message>
    <message>
        <source>Not ready: %1</source>
        <translation>まだ使えません: %1</translation>
    </message>
    <message>
        <source>Listed in the Lesson dock.</source>
        <translation>レッスンパネルに追加しました。</translation>
    </message>
    <message>
        <source>(no text yet)</source>
        <translation>（テキストなし）</translation>
    </message>
    <message>
        <source>No step yet: set up the workbench, then Add step from the workbench.</source>
        <translation>ステップがまだありません。ワークベンチを設定してから「ワークベンチからステップを追加」を押してください。</translation>
    </message>
    <message>
        <source>Setup: none (the step keeps the workbench as the learner left it).</source>
        <translation>セットアップ: なし（学習者が残したままのワークベンチを使います）。</translation>
    </message>
    <message>
        <source>Setup: %1 on an input of shape [%2], view %3.</source>
        <translation>セットアップ: 形状 [%2] の入力に %1、ビュー %3。</translation>
    </message>
    <message>
        <source>as it is</source>
        <translation>そのまま</translation>
    </message>
    <message>
        <source>The lesson is not complete: %1</source>
        <translation>レッスンが完成していません: %1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 を保存しました。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::LessonPanel</name>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 前へ</translation>
    </message>
    <message>
        <source>Previous step (Alt+Left)</source>
        <translation>前のステップ（Alt+←）</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>やってみせて</translation>
    </message>
    <message>
        <source>Do this step&apos;s task in the workbench</source>
        <translation>このステップの課題をワークベンチで実行します</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>次へ ▶</translation>
    </message>
    <message>
        <source>Next step (Alt+Right)</source>
        <translation>次のステップ（Alt+→）</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>全 %1 ステップ</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>ステップ %1 / %2</translation>
    </message>
    <message>
        <source>Read, look, then go on.</source>
        <translation>読んで、見て、先へ進みましょう。</translation>
    </message>
    <message>
        <source>✓ Done.</source>
        <translation>✓ できました。</translation>
    </message>
    <message>
        <source>To do: %1</source>
        <translation>やること：%1</translation>
    </message>
    <message>
        <source>your answer</source>
        <translation>あなたの答え</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>確認</translation>
    </message>
    <message>
        <source>Pick one of the answers.</source>
        <translation>答えを 1 つ選んでください。</translation>
    </message>
    <message>
        <source>This question cannot be checked now: %1.</source>
        <translation>この問題は今は確認できません: %1。</translation>
    </message>
    <message>
        <source>Type a number.</source>
        <translation>数値を入力してください。</translation>
    </message>
    <message>
        <source>✓ Right.</source>
        <translation>✓ 正解です。</translation>
    </message>
    <message>
        <source>✗ Not quite: the answer is %1.</source>
        <translation>✗ 惜しい: 答えは %1 です。</translation>
    </message>
    <message>
        <source>Quiz score: %1 of %2 right at the first try.</source>
        <translation>クイズの得点: %2 問中 %1 問を 1 回目で正解。</translation>
    </message>
    <message>
        <source>Answer the question below, then go on.</source>
        <translation>下の問題に答えてから先に進んでください。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::MainWindow</name>
    <message>
        <source>NormLab</source>
        <translation>NormLab</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>入力</translation>
    </message>
    <message>
        <source>Normalization</source>
        <translation>正規化</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>診断</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open session...</source>
        <translation>セッションを開く(&amp;O)...</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>セッションを開く</translation>
    </message>
    <message>
        <source>NormLab sessions (*.json)</source>
        <translation>NormLab セッション (*.json)</translation>
    </message>
    <message>
        <source>Cannot open session</source>
        <translation>セッションを開けません</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>セッションを保存</translation>
    </message>
    <message>
        <source>Cannot save session</source>
        <translation>セッションを保存できません</translation>
    </message>
    <message>
        <source>&amp;Save session</source>
        <translation>セッションを保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save session &amp;as...</source>
        <translation>名前を付けてセッションを保存(&amp;A)...</translation>
    </message>
    <message>
        <source>&amp;Recent sessions</source>
        <translation>最近のセッション(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>元に戻す(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>やり直す(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Recompute</source>
        <translation>再計算(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>プレゼンテーションモード(&amp;P)</translation>
    </message>
    <message>
        <source>Larger text and lines, high contrast: for a projector</source>
        <translation>大きな文字と線、高コントラスト：プロジェクター向け</translation>
    </message>
    <message>
        <source>The stroke was painted on a result of another shape; it was dropped.</source>
        <translation>このストロークは形状の異なる結果の上に描かれたため、破棄しました。</translation>
    </message>
    <message>
        <source>%1: the workbench takes inputs of 2 to 5 dims, this one has %2</source>
        <translation>%1：ワークベンチの入力は 2～5 次元ですが、この入力は %2 次元です</translation>
    </message>
    <message>
        <source>%1: an input of %2 is too large for the workbench</source>
        <translation>%1：形状 %2 の入力はワークベンチには大きすぎます</translation>
    </message>
    <message>
        <source>%1 opened on an input of %2 (batch reduced from %3 to keep the workbench interactive)</source>
        <translation>%1 を形状 %2 の入力で開きました（ワークベンチの応答性を保つため、バッチを %3 から減らしました）</translation>
    </message>
    <message>
        <source>%1 opened on an input of %2</source>
        <translation>%1 を形状 %2 の入力で開きました</translation>
    </message>
    <message>
        <source>No warnings: PyTorch would run this silently and correctly.</source>
        <translation>警告なし：PyTorch はこれを黙って正しく実行します。</translation>
    </message>
    <message>
        <source>backend %1 · %2 elements · compute %3 ms · redraw %4 ms</source>
        <translation>バックエンド %1 · 要素 %2 個 · 計算 %3 ms · 再描画 %4 ms</translation>
    </message>
    <message>
        <source>error: %1
(The last valid result stays on screen.)</source>
        <translation>エラー：%1
（最後の有効な結果が表示されたままです。）</translation>
    </message>
    <message>
        <source>NormLab — %1</source>
        <translation>NormLab — %1</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>NormLab will use %1 from its next start.</source>
        <translation>NormLab は次回の起動から%1を使います。</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>レッスン</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>レッスン(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <source>&amp;About NormLab</source>
        <translation>NormLab について(&amp;A)</translation>
    </message>
    <message>
        <source>About NormLab</source>
        <translation>NormLab について</translation>
    </message>
    <message>
        <source>&lt;b&gt;NormLab&lt;/b&gt;&lt;br&gt;A workbench for understanding and debugging normalization layers, with numbers that agree with PyTorch.</source>
        <translation>&lt;b&gt;NormLab&lt;/b&gt;&lt;br&gt;正規化層を理解し、デバッグするためのワークベンチ。数値は PyTorch と一致します。</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>層</translation>
    </message>
    <message>
        <source>Open &amp;capture...</source>
        <translation>キャプチャを開く(&amp;C)...</translation>
    </message>
    <message>
        <source>Open a capture (a folder written by normlab_trace.py --activations)</source>
        <translation>キャプチャを開く（normlab_trace.py --activations が書き出したフォルダ）</translation>
    </message>
    <message>
        <source>Cannot open the capture</source>
        <translation>キャプチャを開けません</translation>
    </message>
    <message>
        <source>no such layer</source>
        <translation>その層はありません</translation>
    </message>
    <message>
        <source>%1 (%2) opened on its captured input %3</source>
        <translation>%1（%2）を取得した入力 %3 で開きました</translation>
    </message>
    <message>
        <source>CUDA &amp;device</source>
        <translation>CUDA デバイス(&amp;D)</translation>
    </message>
    <message>
        <source>Device %1</source>
        <translation>デバイス %1</translation>
    </message>
    <message>
        <source>CUDA computes on %1</source>
        <translation>CUDA は %1 で計算します</translation>
    </message>
    <message>
        <source>&amp;Reset the CUDA backend</source>
        <translation>CUDA バックエンドをリセット(&amp;R)</translation>
    </message>
    <message>
        <source>The CUDA backend was reset.</source>
        <translation>CUDA バックエンドをリセットしました。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Stop this computation (Esc); the result on screen stays</source>
        <translation>この計算を止めます（Esc）。表示中の結果はそのまま残ります</translation>
    </message>
    <message>
        <source>computing... %1 s</source>
        <translation>計算中... %1 秒</translation>
    </message>
    <message>
        <source>A lessons file opened before is not listed: %1</source>
        <translation>以前に開いたレッスンファイルを一覧に入れられませんでした: %1</translation>
    </message>
    <message>
        <source>Open &amp;lessons...</source>
        <translation>レッスンを開く(&amp;L)...</translation>
    </message>
    <message>
        <source>Open lessons</source>
        <translation>レッスンを開く</translation>
    </message>
    <message>
        <source>NormLab lessons (*.json)</source>
        <translation>NormLab レッスン (*.json)</translation>
    </message>
    <message>
        <source>Cannot open the lessons</source>
        <translation>レッスンを開けません</translation>
    </message>
    <message>
        <source>Lesson &amp;editor...</source>
        <translation>レッスンエディタ(&amp;E)...</translation>
    </message>
    <message>
        <source>editor</source>
        <translation>エディタ</translation>
    </message>
    <message>
        <source>Export lesson &amp;handout (PDF)...</source>
        <translation>レッスンの配布資料を書き出す (PDF)(&amp;H)...</translation>
    </message>
    <message>
        <source>Export lesson handout</source>
        <translation>レッスンの配布資料を書き出す</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot export the handout</source>
        <translation>配布資料を書き出せません</translation>
    </message>
    <message>
        <source>Wrote %1.</source>
        <translation>%1 を書き出しました。</translation>
    </message>
    <message>
        <source>There is no lesson to export.</source>
        <translation>書き出すレッスンがありません。</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>%1 に書き込めません。</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>ステップ %1 / %2</translation>
    </message>
    <message>
        <source>Answer: ______________</source>
        <translation>答え: ______________</translation>
    </message>
    <message>
        <source>previous / next lesson step</source>
        <translation>前 / 次のレッスンステップ</translation>
    </message>
    <message>
        <source>analyse the model (Debugger)</source>
        <translation>モデルを解析 (デバッガ)</translation>
    </message>
    <message>
        <source>cancel a computation that shows its progress</source>
        <translation>進行状況を表示している計算を取り消す</translation>
    </message>
    <message>
        <source>Wheel, drag, double-click</source>
        <translation>ホイール、ドラッグ、ダブルクリック</translation>
    </message>
    <message>
        <source>on a heatmap: zoom in down to single elements, pan, show the whole grid</source>
        <translation>ヒートマップ上で: 要素単位まで拡大、移動、グリッド全体を表示</translation>
    </message>
    <message>
        <source>the dropped file</source>
        <translation>ドロップされたファイル</translation>
    </message>
</context>
<context>
    <name>normlab::ui::NormalizationPanel</name>
    <message>
        <source>Variant</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>The module&apos;s num_features; make it differ from C to see what PyTorch does.</source>
        <translation>モジュールの num_features。C と違う値にすると PyTorch の挙動が分かります。</translation>
    </message>
    <message>
        <source>num_features</source>
        <translation>num_features</translation>
    </message>
    <message>
        <source>num_groups</source>
        <translation>num_groups</translation>
    </message>
    <message>
        <source>normalized_shape</source>
        <translation>normalized_shape</translation>
    </message>
    <message>
        <source>custom: reduce over axis %1 (one mean/variance across it)</source>
        <translation>カスタム：軸 %1 で縮約（この軸にわたって平均と分散を 1 組）</translation>
    </message>
    <message>
        <source>reduce axes</source>
        <translation>縮約する軸</translation>
    </message>
    <message>
        <source>A number; empty means None (machine epsilon; rms_norm only).</source>
        <translation>数値。空欄は None（マシンイプシロン。rms_norm のみ）。</translation>
    </message>
    <message>
        <source>eps</source>
        <translation>eps</translation>
    </message>
    <message>
        <source>none (cumulative average)</source>
        <translation>None（累積平均）</translation>
    </message>
    <message>
        <source>momentum</source>
        <translation>momentum</translation>
    </message>
    <message>
        <source>affine (γ, β)</source>
        <translation>affine（γ, β）</translation>
    </message>
    <message>
        <source>track_running_stats</source>
        <translation>track_running_stats</translation>
    </message>
    <message>
        <source>training mode</source>
        <translation>学習モード</translation>
    </message>
    <message>
        <source>estimate (BCN)</source>
        <translation>estimate（BCN）</translation>
    </message>
    <message>
        <source>γ = 1, β = 0 (PyTorch&apos;s start)</source>
        <translation>γ = 1、β = 0（PyTorch の初期値）</translation>
    </message>
    <message>
        <source>random: γ ~ N(1, 0.5²), β ~ N(0, 0.5²)</source>
        <translation>ランダム：γ ~ N(1, 0.5²)、β ~ N(0, 0.5²)</translation>
    </message>
    <message>
        <source>from .npy files...</source>
        <translation>.npy ファイルから...</translation>
    </message>
    <message>
        <source>γ, β</source>
        <translation>γ, β</translation>
    </message>
    <message>
        <source>  seed</source>
        <translation>  シード</translation>
    </message>
    <message>
        <source>CUDA (unavailable)</source>
        <translation>CUDA（利用不可）</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>バックエンド</translation>
    </message>
    <message>
        <source>invert with statistics re-estimated from y (flow bug)</source>
        <translation>y から推定し直した統計量で逆変換（フローのバグ）</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>%1 を読み込む</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy)</source>
        <translation>NumPy 配列 (*.npy)</translation>
    </message>
    <message>
        <source>Cannot load %1</source>
        <translation>%1 を読み込めません</translation>
    </message>
    <message>
        <source>γ (weight)</source>
        <translation>γ（weight）</translation>
    </message>
    <message>
        <source>β (bias; cancel for none)</source>
        <translation>β（bias。キャンセルでなし）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::OutputView</name>
    <message>
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <source>input x</source>
        <translation>入力 x</translation>
    </message>
    <message>
        <source>output y</source>
        <translation>出力 y</translation>
    </message>
    <message>
        <source>value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>elements</source>
        <translation>要素数</translation>
    </message>
    <message>
        <source>n × C + c</source>
        <translation>n × C + c</translation>
    </message>
    <message>
        <source>histograms of x and y</source>
        <translation>x と y のヒストグラム</translation>
    </message>
    <message>
        <source>y per channel along the positions (sample 0)</source>
        <translation>位置に沿ったチャネルごとの y（サンプル 0）</translation>
    </message>
    <message>
        <source>heatmap of y</source>
        <translation>y のヒートマップ</translation>
    </message>
    <message>
        <source>position (spatial dims, flattened)</source>
        <translation>位置（空間次元を平坦化）</translation>
    </message>
    <message>
        <source>y of sample 0, one line per channel</source>
        <translation>サンプル 0 の y（チャネルごとに 1 本の線）</translation>
    </message>
    <message>
        <source>max |x − inverse(y)| = %1 (reconstruction error)</source>
        <translation>max |x − inverse(y)| = %1（再構成誤差）</translation>
    </message>
    <message>
        <source>The reconstruction error is in the Invertibility view.</source>
        <translation>再構成誤差は「可逆性」ビューに表示されます。</translation>
    </message>
    <message>
        <source>Summarizing y for the heatmap…</source>
        <translation>ヒートマップ用に y を集計しています…</translation>
    </message>
</context>
<context>
    <name>normlab::ui::PlotView</name>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Export picture (PNG, PDF)...</source>
        <translation>画像をエクスポート（PNG、PDF）...</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>%1 をエクスポート</translation>
    </message>
    <message>
        <source>Images (*.png *.pdf)</source>
        <translation>画像 (*.png *.pdf)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>エクスポートに失敗しました</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 に書き込めませんでした。</translation>
    </message>
    <message>
        <source>Export data (.npy, .csv)...</source>
        <translation>データをエクスポート（.npy、.csv）...</translation>
    </message>
    <message>
        <source>Export %1 data</source>
        <translation>%1 のデータをエクスポート</translation>
    </message>
    <message>
        <source>Data (*.npy *.csv)</source>
        <translation>データ (*.npy *.csv)</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>解像度</translation>
    </message>
    <message>
        <source>Dots per inch (96: as on screen; 300: print)</source>
        <translation>dpi（96: 画面と同じ、300: 印刷用）</translation>
    </message>
    <message>
        <source>There is no data to export (nothing computed yet).</source>
        <translation>エクスポートするデータがありません（まだ何も計算されていません）。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 に書き込めませんでした: %2</translation>
    </message>
    <message>
        <source>Exporting the %1 data to %2...</source>
        <translation>%1 のデータを %2 にエクスポートしています...</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>normlab::ui::PrecisionView</name>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>naive E[x²] − E[x]², float32</source>
        <translation>素朴な式 E[x²] − E[x]²、float32</translation>
    </message>
    <message>
        <source>naive E[x²] − E[x]², float64</source>
        <translation>素朴な式 E[x²] − E[x]²、float64</translation>
    </message>
    <message>
        <source>Welford, float32</source>
        <translation>Welford 法、float32</translation>
    </message>
    <message>
        <source>NormLab at float32 (two-pass, float64 sums)</source>
        <translation>NormLab の float32（2 パス法、float64 で累積）</translation>
    </message>
    <message>
        <source>output: max |y(float32) − y(float64)|</source>
        <translation>出力：max |y(float32) − y(float64)|</translation>
    </message>
    <message>
        <source>relative error of the variance (output: absolute)</source>
        <translation>分散の相対誤差（出力は絶対誤差）</translation>
    </message>
    <message>
        <source>slice</source>
        <translation>スライス</translation>
    </message>
    <message>
        <source>Set a large input mean (e.g. 10000, spread 1) to watch the naive formula fail.</source>
        <translation>入力の平均を大きく（例：10000、広がり 1）すると、素朴な式が破綻する様子が見られます。</translation>
    </message>
    <message>
        <source>two-pass, float32 sums</source>
        <translation>2 パス法、float32 の和</translation>
    </message>
    <message>
        <source>naive E[x²] − E[x]², float16 (emulated)</source>
        <translation>素朴な E[x²] − E[x]²、float16（エミュレーション）</translation>
    </message>
    <message>
        <source>two-pass, bfloat16 (emulated)</source>
        <translation>2 パス法、bfloat16（エミュレーション）</translation>
    </message>
    <message>
        <source>computing the variances seven ways...</source>
        <translation>7 通りの方法で分散を計算中...</translation>
    </message>
    <message>
        <source>not finite in %1 slices</source>
        <translation>%1 個のスライスで有限値でない</translation>
    </message>
    <message>
        <source>Worst relative error: naive float32 %1 (%2 negative variances), naive float64 %3 (%4 negative), two-pass float32 %5, Welford float32 %6, NormLab float32 %7, naive float16 %8, two-pass bfloat16 %9; float32 vs float64 output: max |Δy| = %10. Zero errors are drawn at 1e-17, overflows (not finite) at the top.</source>
        <translation>最大の相対誤差：素朴な float32 %1（負の分散 %2 個）、素朴な float64 %3（負 %4 個）、2 パス法 float32 %5、Welford float32 %6、NormLab float32 %7、素朴な float16 %8、2 パス法 bfloat16 %9。float32 と float64 の出力の差：max |Δy| = %10。誤差 0 は 1e-17 の位置に、オーバーフロー（有限値でないもの）は上端に描きます。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::RunningStatsView</name>
    <message>
        <source>Running statistics</source>
        <translation>移動平均統計量</translation>
    </message>
    <message>
        <source>Simulate</source>
        <translation>シミュレーション</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation>学習ステップ数</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>学習ステップ</translation>
    </message>
    <message>
        <source>running mean</source>
        <translation>running mean（移動平均）</translation>
    </message>
    <message>
        <source>running variance</source>
        <translation>running var（移動分散）</translation>
    </message>
    <message>
        <source>This configuration keeps no running statistics (track_running_stats is off).</source>
        <translation>この設定では移動平均統計量を保持しません（track_running_stats がオフ）。</translation>
    </message>
    <message>
        <source>simulating %1 steps...</source>
        <translation>%1 ステップをシミュレーション中…</translation>
    </message>
    <message>
        <source>%1%2 steps; population mean/variance dashed%3. After the last step, the same fresh batch normalised in train vs eval mode differs by up to %4.</source>
        <translation>%1%2 ステップ。母集団の平均と分散は破線%3。最後のステップの後、同じ新しいバッチを学習モードと評価モードで正規化した結果の差は最大 %4 です。</translation>
    </message>
    <message>
        <source>cancelled after </source>
        <translation>キャンセル：完了 </translation>
    </message>
    <message>
        <source> (not defined for this generator)</source>
        <translation>（この生成方法では定義されません）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::SlicesView</name>
    <message>
        <source>Slices</source>
        <translation>スライス</translation>
    </message>
    <message>
        <source>position (spatial dims, flattened)</source>
        <translation>位置（空間次元を平坦化）</translation>
    </message>
    <message>
        <source>n × C + c</source>
        <translation>n × C + c</translation>
    </message>
    <message>
        <source>inspect (hover read-out)</source>
        <translation>確認（マウスで値を表示）</translation>
    </message>
    <message>
        <source>paint mask: mask out</source>
        <translation>マスクを描く：マスクする</translation>
    </message>
    <message>
        <source>paint mask: restore</source>
        <translation>マスクを描く：戻す</translation>
    </message>
    <message>
        <source>Drag over cells to mask elements out (padding) or bring them back; each stroke is one undoable edit.</source>
        <translation>セルの上をドラッグして要素をマスク（パディング）したり戻したりします。1 回のストロークが 1 回の取り消せる編集です。</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>マスクを消去</translation>
    </message>
    <message>
        <source>Mouse</source>
        <translation>マウス</translation>
    </message>
    <message>
        <source>%1 slices share statistics; hover a cell to see its arithmetic.</source>
        <translation>%1 個のスライスがそれぞれ統計量を共有します。セルにマウスを合わせると計算式が表示されます。</translation>
    </message>
    <message>
        <source>element %1: x = %2, masked out (padding): it takes no part in any statistic; y = 0</source>
        <translation>要素 %1：x = %2、マスク済み（パディング）：どの統計量にも加わりません。y = 0</translation>
    </message>
    <message>
        <source>element %1 in slice %2 (%3 valid elements): x = %4, μ = %5, σ² = %6, ε = %7
(x − μ)/√(σ² + ε)·γ + β = %8</source>
        <translation>要素 %1 はスライス %2（有効な要素 %3 個）：x = %4、μ = %5、σ² = %6、ε = %7
(x − μ)/√(σ² + ε)·γ + β = %8</translation>
    </message>
</context>
<context>
    <name>normlab::ui::StatisticsView</name>
    <message>
        <source>Statistics</source>
        <translation>統計量</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>variance (biased)</source>
        <translation>分散（偏りあり）</translation>
    </message>
    <message>
        <source>slice</source>
        <translation>スライス</translation>
    </message>
    <message>
        <source>variance</source>
        <translation>分散</translation>
    </message>
    <message>
        <source>statistics grid row</source>
        <translation>統計量グリッドの行</translation>
    </message>
    <message>
        <source>bars: mean and variance per slice</source>
        <translation>棒グラフ：スライスごとの平均と分散</translation>
    </message>
    <message>
        <source>heatmap: mean</source>
        <translation>ヒートマップ：平均</translation>
    </message>
    <message>
        <source>heatmap: variance</source>
        <translation>ヒートマップ：分散</translation>
    </message>
    <message>
        <source>heatmap: valid count</source>
        <translation>ヒートマップ：有効な要素数</translation>
    </message>
    <message>
        <source>last axis of the statistics grid</source>
        <translation>統計量グリッドの最後の軸</translation>
    </message>
    <message>
        <source>%1 slices; statistics shape %2</source>
        <translation>スライス %1 個、統計量の形状 %2</translation>
    </message>
    <message>
        <source>slice %1: mean %2, variance %3, %4 valid elements</source>
        <translation>スライス %1：平均 %2、分散 %3、有効な要素 %4 個</translation>
    </message>
</context>
<context>
    <name>normlab::ui::TraceDialog</name>
    <message>
        <source>Trace with Python</source>
        <translation>Python でトレース</translation>
    </message>
    <message>
        <source>my_model.py</source>
        <translation>my_model.py</translation>
    </message>
    <message>
        <source>The function in the file that returns the model, or (model, args) or (model, args, kwargs)</source>
        <translation>ファイル内でモデル、または (model, args) や (model, args, kwargs) を返す関数</translation>
    </message>
    <message>
        <source>One shape per positional argument, separated by &apos;;&apos;, each [dtype:]DIMS: 2,16000; long:2</source>
        <translation>位置引数ごとに 1 つの形状を ';' で区切って指定します。各形状は [dtype:]DIMS：2,16000; long:2</translation>
    </message>
    <message>
        <source>or input files (.npy, .pt), separated by &apos;;&apos;</source>
        <translation>または入力ファイル（.npy、.pt）を ';' で区切って指定</translation>
    </message>
    <message>
        <source>Also capture activations (the Capture dock opens them)</source>
        <translation>活性値もキャプチャする（キャプチャ ドックで開きます）</translation>
    </message>
    <message>
        <source>Generated data (normal) when no input files are given</source>
        <translation>入力ファイルがない場合は生成データ（正規分布）を使う</translation>
    </message>
    <message>
        <source>Model file:</source>
        <translation>モデル ファイル：</translation>
    </message>
    <message>
        <source>The model&apos;s Python file</source>
        <translation>モデルの Python ファイル</translation>
    </message>
    <message>
        <source>Python (*.py)</source>
        <translation>Python (*.py)</translation>
    </message>
    <message>
        <source>Function:</source>
        <translation>関数：</translation>
    </message>
    <message>
        <source>Input shapes:</source>
        <translation>入力の形状：</translation>
    </message>
    <message>
        <source>Input files:</source>
        <translation>入力ファイル：</translation>
    </message>
    <message>
        <source>Input tensors</source>
        <translation>入力テンソル</translation>
    </message>
    <message>
        <source>Arrays (*.npy *.pt *.pth)</source>
        <translation>配列 (*.npy *.pt *.pth)</translation>
    </message>
    <message>
        <source>Python:</source>
        <translation>Python：</translation>
    </message>
    <message>
        <source>A Python with PyTorch</source>
        <translation>PyTorch の入った Python</translation>
    </message>
    <message>
        <source>Trace</source>
        <translation>トレース</translation>
    </message>
</context>
<context>
    <name>normlab::ui::TraceRunner</name>
    <message>
        <source>Cannot start %1: %2. %3</source>
        <translation>%1 を起動できません：%2。%3</translation>
    </message>
    <message>
        <source>Tracing needs Python 3 with PyTorch 1.13 or later: on Debian, apt-get install python3-torch (or pip install torch), then choose that python3 here.</source>
        <translation>トレースには PyTorch 1.13 以降の入った Python 3 が必要です。Debian では apt-get install python3-torch（または pip install torch）を実行し、その python3 をここで選んでください。</translation>
    </message>
    <message>
        <source>A trace is already running.</source>
        <translation>トレースはすでに実行中です。</translation>
    </message>
    <message>
        <source>No Python interpreter%1. %2</source>
        <translation>Python インタープリタがありません%1。%2</translation>
    </message>
    <message>
        <source>The model file %1 does not exist.</source>
        <translation>モデル ファイル %1 がありません。</translation>
    </message>
    <message>
        <source>Give the input shapes (e.g. 2,3,224,224) or the input files.</source>
        <translation>入力の形状（例：2,3,224,224）または入力ファイルを指定してください。</translation>
    </message>
    <message>
        <source>Capturing activations records your data&apos;s statistics: give input files, or choose generated data.</source>
        <translation>活性値のキャプチャはデータの統計量を記録します。入力ファイルを指定するか、生成データを選んでください。</translation>
    </message>
    <message>
        <source>Cannot make the folder %1.</source>
        <translation>フォルダ %1 を作成できません。</translation>
    </message>
    <message>
        <source>Cannot write the trace script into %1.</source>
        <translation>トレース スクリプトを %1 に書き込めません。</translation>
    </message>
    <message>
        <source>The trace did not finish (exit %1):
%2%3</source>
        <translation>トレースは完了しませんでした（終了コード %1）：
%2%3</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>クラッシュ</translation>
    </message>
</context>
</TS>
