"""Writes lessons.json, NormLab's built-in lessons (resources/lessons/README in the
header of ui/lessons.h explains the format). Run with /usr/bin/python3 (numpy needed for
lesson 2's padded input); edit the texts here, not in the JSON."""
import base64
import io
import json
import os

import numpy as np


def padded_sequences():
    # Four sequences (8 channels) of lengths 32, 20, 12, 6, values ~ N(2, 1), zero-padded.
    rng = np.random.default_rng(7)
    x = np.zeros((4, 8, 32), dtype=np.float32)
    for n, length in enumerate([32, 20, 12, 6]):
        x[n, :, :length] = rng.normal(2.0, 1.0, (8, length))
    buffer = io.BytesIO()
    np.save(buffer, x)
    return base64.b64encode(buffer.getvalue()).decode()


padded = padded_sequences()

def session(shape, spec, view, mean=0.0, spread=1.0, dtype="float32", lengths=None, npy=None, seed=1):
    s = {"normlab_session": 1,
         "input": {"shape": shape, "generator": "normal", "mean": mean, "spread": spread,
                   "seed": seed, "dtype": dtype},
         "spec": spec, "view": view}
    if lengths: s["lengths"] = lengths
    if npy: s["input"]["npy_base64"] = npy
    return s

def step(en, zh, ja, setup=None, expect=None):
    d = {"text": {"en": en, "zh_CN": zh, "ja": ja}}
    if setup: d["setup"] = setup
    if expect: d["expect"] = expect
    return d

def title(en, zh, ja): return {"en": en, "zh_CN": zh, "ja": ja}

lessons = [
 {"id": "four_slicings",
  "title": title("1. What BN, LN, IN and GN normalise", "1. BN、LN、IN、GN 各自归一化什么", "1. BN・LN・IN・GN は何を正規化するか"),
  "steps": [
   step("One tensor, four ways to slice it. The cube shows N samples across, C channels in depth and the positions down. The blue cells share one mean and one variance. <b>BatchNorm</b>: one statistic per channel, taken across the whole batch and every position.",
        "同一个张量，四种切分方式。立方体横向是 N 个样本，纵深是 C 个通道，竖向是各个位置。蓝色格子共享同一组均值和方差。<b>BatchNorm</b>：每个通道一组统计量，跨整个批次和所有位置计算。",
        "1 つのテンソルを 4 通りに切り分けます。立方体は横に N 個のサンプル、奥行きに C 個のチャネル、縦に位置を並べたものです。青いセルが 1 組の平均と分散を共有します。<b>BatchNorm</b>：チャネルごとに 1 組、バッチ全体とすべての位置にわたって計算します。",
        setup=session([4, 8, 16], {"variant": "batch_norm", "num_features": 8}, "cube")),
   step("Now choose <b>layer_norm</b> in the Normalization dock and set normalized_shape to <code>8, 16</code> (channels and positions). One statistic per sample: the blue slab turns to face you sideways.",
        "现在在“归一化”面板中选择 <b>layer_norm</b>，并把 normalized_shape 设为 <code>8, 16</code>（通道和位置）。每个样本一组统计量：蓝色的板块转向了侧面。",
        "「正規化」パネルで <b>layer_norm</b> を選び、normalized_shape を <code>8, 16</code>（チャネルと位置）にしてください。サンプルごとに 1 組の統計量です。青い板が横向きになります。",
        expect={"variant": "layer_norm", "normalized_shape": [8, 16]}),
   step("Choose <b>instance_norm</b>: one statistic per sample <i>and</i> channel, over the positions only. Hover the cube: each cell of the front face belongs to its own column.",
        "选择 <b>instance_norm</b>：每个样本的每个通道一组统计量，只在各位置上计算。在立方体上悬停：正面的每一列各自成组。",
        "<b>instance_norm</b> を選んでください。サンプル<i>かつ</i>チャネルごとに 1 組、位置だけにわたって計算します。立方体にマウスを合わせると、正面の各列がそれぞれ別の組になっています。",
        expect={"variant": "instance_norm"}),
   step("Choose <b>group_norm</b> with num_groups = 2: channels are split into 2 groups of 4, one statistic per sample and group. With 1 group it is LayerNorm over (C, positions); with C groups it is InstanceNorm.",
        "选择 <b>group_norm</b> 并设 num_groups = 2：通道分成 2 组、每组 4 个，每个样本的每组一组统计量。1 组时它就是对 (C, 位置) 的 LayerNorm；C 组时就是 InstanceNorm。",
        "<b>group_norm</b> を選び num_groups = 2 にしてください。チャネルを 4 個ずつ 2 グループに分け、サンプルとグループごとに 1 組の統計量を取ります。1 グループなら (C, 位置) にわたる LayerNorm、C グループなら InstanceNorm です。",
        expect={"variant": "group_norm", "num_groups": 2}),
  ]},
 {"id": "masked_instance_norm",
  "title": title("2. Variable-length sequences and masked InstanceNorm", "2. 变长序列与带掩码的 InstanceNorm", "2. 可変長系列とマスク付き InstanceNorm"),
  "steps": [
   step("Four sequences of lengths 32, 20, 12 and 6, zero-padded to 32 steps; the real values have mean 2. Without a mask, InstanceNorm averages the padding in: in the Statistics view the means of samples 1–3 (slices 8–31) are pulled toward 0 and their variances are distorted.",
        "四条长度分别为 32、20、12、6 的序列，用 0 填充到 32 步；真实数值的均值为 2。不加掩码时，InstanceNorm 会把填充也算进平均：在“统计量”视图中，样本 1–3（切片 8–31）的均值被拉向 0，方差也随之失真。",
        "長さ 32、20、12、6 の 4 本の系列を 0 で 32 ステップまでパディングしたものです。本当の値の平均は 2 です。マスクがないと InstanceNorm はパディングも平均に含めます。「統計量」ビューでは、サンプル 1～3（スライス 8～31）の平均が 0 に引き寄せられ、分散もゆがんでいます。",
        setup=session([4, 8, 32], {"variant": "instance_norm", "num_features": 8, "affine": False,
                                   "track_running_stats": False}, "statistics", npy=padded)),
   step("Type the lengths <code>32, 20, 12, 6</code> in the Input dock (or drag the sliders). The statistics now use the real steps only: every mean is back near 2 and the padded cells are hatched.",
        "在“输入”面板中输入长度 <code>32, 20, 12, 6</code>（或拖动滑块）。现在统计量只使用真实的步：所有均值都回到 2 附近，填充的格子显示为斜线。",
        "「入力」パネルで長さ <code>32, 20, 12, 6</code> を入力してください（スライダーでも構いません）。統計量は本当のステップだけを使うようになり、平均はどれも 2 付近に戻り、パディングのセルは斜線で表示されます。",
        expect={"lengths": [32, 20, 12, 6]}),
   step("Open the <b>PyTorch code</b> view: the masked statistics as sums over the valid elements divided by their count, without a loop over samples, ready to paste into your model.",
        "打开 <b>PyTorch 代码</b>视图：带掩码的统计量写成对有效元素的求和再除以个数，没有对样本的循环，可以直接粘贴进你的模型。",
        "<b>PyTorch コード</b>ビューを開いてください。マスク付きの統計量を、有効な要素の和をその個数で割る形で、サンプルのループなしに書いてあります。そのままモデルに貼り付けられます。",
        expect={"view": "pytorch code"}),
  ]},
 {"id": "flow_inverse",
  "title": title("3. Inverting BatchNorm in a normalizing flow", "3. 在归一化流中对 BatchNorm 求逆", "3. 正規化フローで BatchNorm を逆変換する"),
  "steps": [
   step("A flow must invert each layer exactly. With the statistics stored in the forward pass, x = (y − β)/γ · √(σ² + ε) + μ recovers the input: the Invertibility view shows only rounding error.",
        "流模型必须精确地对每一层求逆。使用前向时保存的统计量，x = (y − β)/γ · √(σ² + ε) + μ 就能还原输入：“可逆性”视图中只剩下舍入误差。",
        "フローは各層を正確に逆変換できなければなりません。順伝播で保存した統計量を使えば x = (y − β)/γ · √(σ² + ε) + μ で入力が戻ります。「可逆性」ビューには丸め誤差しか出ません。",
        setup=session([4, 8, 16], {"variant": "batch_norm", "num_features": 8}, "invertibility")),
   step("Now tick <b>invert with statistics re-estimated from y</b> in the Normalization dock: the common bug of computing μ and σ² from the output. With a batch larger than 1 the output's statistics are 0 and 1, not the input's, and x′ comes out wrong.",
        "现在在“归一化”面板中勾选<b>用从 y 重新估计的统计量求逆</b>：这就是从输出计算 μ 和 σ² 的常见错误。批次大于 1 时，输出的统计量是 0 和 1，而不是输入的，于是 x′ 就错了。",
        "「正規化」パネルで<b>y から推定し直した統計量で逆変換</b>にチェックを入れてください。出力から μ と σ² を計算してしまう、よくあるバグです。バッチが 2 以上だと出力の統計量は 0 と 1 で入力のものではないので、x′ は間違った値になります。",
        expect={"reestimate": True}),
   step("The bars at the right are log|det J| per sample, the term a flow adds to its log-likelihood: the sum over the sample's elements of log|γ| − ½·log(σ² + ε). Untick the box again to compare.",
        "右侧的柱是每个样本的 log|det J|，也就是流模型加到对数似然里的那一项：对该样本所有元素求和 log|γ| − ½·log(σ² + ε)。再取消勾选即可对比。",
        "右の棒はサンプルごとの log|det J| で、フローが対数尤度に加える項です。そのサンプルの要素について log|γ| − ½·log(σ² + ε) を足し合わせたものです。チェックを外すと比較できます。",
        expect={"reestimate": False}),
  ]},
 {"id": "running_statistics",
  "title": title("4. Running statistics", "4. 运行统计量", "4. 移動統計量"),
  "steps": [
   step("BatchNorm at batch size 2. Press <b>Simulate</b> in the Running statistics view: each training step updates running = (1 − momentum)·running + momentum·batch, and the lines approach the population values (dashed).",
        "批次大小为 2 的 BatchNorm。在“运行统计量”视图中按<b>模拟</b>：每个训练步执行 running = (1 − momentum)·running + momentum·batch，曲线逐渐接近总体值（虚线）。",
        "バッチサイズ 2 の BatchNorm です。「移動統計量」ビューで<b>シミュレーション</b>を押してください。学習ステップごとに running = (1 − momentum)·running + momentum·batch と更新され、線が母集団の値（破線）に近づきます。",
        setup=session([2, 4, 16], {"variant": "batch_norm", "num_features": 4}, "running statistics", mean=1.0, spread=2.0)),
   step("Tick <b>none (cumulative average)</b> for momentum: PyTorch then uses 1/num_batches_tracked, the exact average of every batch so far. Simulate again and compare how fast the lines settle.",
        "把 momentum 设为<b>None（累积平均）</b>：PyTorch 此时使用 1/num_batches_tracked，即到目前为止所有批次的精确平均。再模拟一次，比较曲线稳定下来的速度。",
        "momentum で<b>None（累積平均）</b>にチェックを入れてください。PyTorch は 1/num_batches_tracked を使い、これまでの全バッチの正確な平均になります。もう一度シミュレーションして、線が落ち着く速さを比べてください。",
        expect={"momentum": None}),
   step("Two variances: normalising uses the biased one (divide by n), running_var stores the unbiased one (divide by n − 1). Here n = 2 × 16 = 32 per channel. Untick <b>training mode</b>: eval normalises with the running statistics, and the read-out's train/eval gap shows how far apart the two outputs are.",
        "两种方差：归一化使用有偏方差（除以 n），running_var 保存无偏方差（除以 n − 1）。这里每个通道 n = 2 × 16 = 32。取消勾选<b>训练模式</b>：评估模式用运行统计量归一化，读数中的训练/评估差距显示两种输出相差多少。",
        "分散は 2 種類あります。正規化には偏りのある分散（n で割る）、running_var には不偏分散（n − 1 で割る）を使います。ここでは各チャネル n = 2 × 16 = 32 です。<b>学習モード</b>のチェックを外してください。評価モードは移動統計量で正規化し、表示の学習／評価の差が 2 つの出力の違いを示します。",
        expect={"training": False}),
  ]},
 {"id": "micro_batches",
  "title": title("5. Micro-batches: BatchNorm, GroupNorm, Batch-Channel Norm", "5. 微批次：BatchNorm、GroupNorm 与 Batch-Channel Norm", "5. マイクロバッチ：BatchNorm・GroupNorm・Batch-Channel Norm"),
  "steps": [
   step("BatchNorm on a batch of 8. The Compare view runs a second configuration (GroupNorm, in the panel at its left) on the very same input.",
        "在 8 个样本的批次上运行 BatchNorm。“对比”视图在完全相同的输入上运行第二个配置（左侧面板中的 GroupNorm）。",
        "バッチ 8 の BatchNorm です。「比較」ビューは、まったく同じ入力で 2 つ目の設定（左のパネルの GroupNorm）を実行します。",
        setup=session([8, 8, 16], {"variant": "batch_norm", "num_features": 8}, "compare")),
   step("Set <b>N (batch)</b> to 1. BatchNorm now takes each channel's statistics from one sample's positions only: it has turned into InstanceNorm, and in eval mode its running statistics would be far from the training ones. GroupNorm does not depend on the batch at all.",
        "把 <b>N（批次）</b>设为 1。BatchNorm 现在只从一个样本的各位置计算每个通道的统计量：它变成了 InstanceNorm，评估模式下其运行统计量会与训练时相差很远。GroupNorm 则完全不依赖批次。",
        "<b>N（バッチ）</b>を 1 にしてください。BatchNorm は各チャネルの統計量を 1 サンプルの位置だけから取るようになり、InstanceNorm と同じになります。評価モードでは移動統計量が学習時と大きくずれます。GroupNorm はバッチにまったく依存しません。",
        expect={"batch": 1}),
   step("Choose <b>batch_channel_norm</b> (estimate on): its batch stage normalises with running estimates even in training, then a GroupNorm-style channel stage follows. A batch of one no longer decides the statistics.",
        "选择 <b>batch_channel_norm</b>（开启 estimate）：它的批次阶段即使在训练时也用运行估计值来归一化，之后是类似 GroupNorm 的通道阶段。单个样本的批次不再决定统计量。",
        "<b>batch_channel_norm</b>（estimate オン）を選んでください。バッチ段は学習中でも移動推定値で正規化し、その後に GroupNorm 型のチャネル段が続きます。1 サンプルのバッチが統計量を決めることはもうありません。",
        expect={"variant": "batch_channel_norm"}),
  ]},
 {"id": "instance_norm_mismatch",
  "title": title("6. The silent InstanceNorm num_features mismatch", "6. 悄无声息的 InstanceNorm num_features 不匹配", "6. 黙って通る InstanceNorm の num_features の不一致"),
  "steps": [
   step("InstanceNorm2d(1024) after a conv with 512 channels. Because affine=False and track_running_stats=False, nothing ever reads num_features: PyTorch before 2.1 runs this silently, 2.1 and later only warn. The Diagnostics dock says so.",
        "在 512 通道的卷积之后接 InstanceNorm2d(1024)。由于 affine=False 且 track_running_stats=False，num_features 从未被使用：PyTorch 2.1 之前会悄无声息地运行，2.1 及以后只给出警告。“诊断”面板会说明这一点。",
        "512 チャネルの畳み込みの後に InstanceNorm2d(1024) を置いた例です。affine=False かつ track_running_stats=False なので num_features は一度も読まれません。PyTorch 2.1 より前は黙って実行し、2.1 以降も警告するだけです。「診断」パネルにそう表示されます。",
        setup=session([1, 512, 8, 8], {"variant": "instance_norm", "num_features": 1024, "affine": False,
                                       "track_running_stats": False}, "statistics")),
   step("Tick <b>affine (γ, β)</b>: now 1024 weights meet 512 channels. PyTorch 2.1+ raises ValueError here, and the workbench shows PyTorch's message while keeping the last valid result.",
        "勾选 <b>affine（γ, β）</b>：此时 1024 个权重对上 512 个通道。PyTorch 2.1+ 会在这里抛出 ValueError，工作台显示 PyTorch 的消息并保留上一个有效结果。",
        "<b>affine（γ, β）</b>にチェックを入れてください。1024 個の重みが 512 チャネルに対応することになります。PyTorch 2.1 以降はここで ValueError を送出し、ワークベンチは PyTorch のメッセージを表示して最後の有効な結果を残します。",
        expect={"affine": True}),
   step("Fix it: set <b>num_features</b> to 512. The error and the warning disappear. The Debugger tab finds the same mistake in a whole print(model) text.",
        "修正它：把 <b>num_features</b> 设为 512。错误和警告都消失了。“调试器”标签页能在整段 print(model) 文本中找出同样的错误。",
        "直しましょう。<b>num_features</b> を 512 にしてください。エラーも警告も消えます。「デバッガ」タブは print(model) のテキスト全体から同じ間違いを見つけます。",
        expect={"num_features": 512}),
  ]},
 {"id": "group_norm_one_group",
  "title": title("7. GroupNorm(1, C) versus LayerNorm", "7. GroupNorm(1, C) 与 LayerNorm", "7. GroupNorm(1, C) と LayerNorm"),
  "steps": [
   step("GroupNorm with one group and no affine parameters: one mean and variance per sample, over all channels and positions. Note the statistics in the Statistics view.",
        "只有一组且没有仿射参数的 GroupNorm：每个样本一组均值和方差，覆盖所有通道和位置。留意“统计量”视图中的数值。",
        "1 グループでアフィンパラメータのない GroupNorm です。サンプルごとに 1 組の平均と分散を、すべてのチャネルと位置にわたって計算します。「統計量」ビューの値を覚えておいてください。",
        setup=session([4, 8, 16], {"variant": "group_norm", "num_groups": 1, "num_features": 8, "affine": False}, "statistics")),
   step("Choose <b>layer_norm</b> with normalized_shape <code>8, 16</code> and affine off: the same slices, the same statistics, the same output.",
        "选择 <b>layer_norm</b>，normalized_shape 设为 <code>8, 16</code>，并关闭 affine：切片相同，统计量相同，输出也相同。",
        "<b>layer_norm</b> を選び、normalized_shape を <code>8, 16</code>、affine をオフにしてください。スライスも統計量も出力も同じです。",
        expect={"variant": "layer_norm", "normalized_shape": [8, 16], "affine": False}),
   step("Now tick <b>affine</b>. LayerNorm learns one γ and β per element of normalized_shape (8 × 16 = 128 of each); GroupNorm learns one per channel (8). Same normalisation, different models: open the Gradients view and count the dγ bars.",
        "现在勾选 <b>affine</b>。LayerNorm 为 normalized_shape 的每个元素学习一个 γ 和 β（各 8 × 16 = 128 个）；GroupNorm 为每个通道学习一个（8 个）。归一化相同，模型却不同：打开“梯度”视图数一数 dγ 的柱。",
        "<b>affine</b> にチェックを入れてください。LayerNorm は normalized_shape の要素ごとに γ と β を学習します（それぞれ 8 × 16 = 128 個）。GroupNorm はチャネルごとに 1 つ（8 個）です。正規化は同じでもモデルは違います。「勾配」ビューを開いて dγ の棒を数えてください。",
        expect={"affine": True, "view": "gradients"}),
  ]},
 {"id": "precision",
  "title": title("8. Precision: float32, float64 and the naive variance", "8. 精度：float32、float64 与朴素方差公式", "8. 精度：float32・float64 と素朴な分散の式"),
  "steps": [
   step("The Precision view computes each slice's variance four ways against a float64 two-pass reference. On data with mean 0 every method is fine.",
        "“精度”视图用四种方法计算每个切片的方差，并与 float64 两遍法的参考值比较。数据均值为 0 时，每种方法都没问题。",
        "「精度」ビューは各スライスの分散を 4 通りの方法で計算し、float64 の 2 パス法による基準値と比べます。平均 0 のデータでは、どの方法も問題ありません。",
        setup=session([4, 8, 64], {"variant": "instance_norm", "num_features": 8, "affine": False,
                                   "track_running_stats": False}, "precision")),
   step("Set the input's <b>Mean / value</b> to 10000 (spread 1). E[x²] − E[x]² in float32 subtracts two numbers near 10⁸ that float32 stores only to about 8: the result is wrong by more than 100%, some variances even negative. Welford and NormLab's two-pass method stay accurate.",
        "把输入的<b>均值 / 取值</b>设为 10000（离散度 1）。float32 的 E[x²] − E[x]² 要相减两个接近 10⁸ 的数，而 float32 只能把它们存到约 8 的精度：结果误差超过 100%，有些方差甚至为负。Welford 和 NormLab 的两遍法依然准确。",
        "入力の<b>平均 / 値</b>を 10000（広がり 1）にしてください。float32 の E[x²] − E[x]² は 10⁸ 近くの 2 つの数を引き算しますが、float32 はその大きさを 8 程度の精度でしか保持できません。結果の誤差は 100% を超え、分散が負になるものさえあります。Welford 法と NormLab の 2 パス法は正確なままです。",
        expect={"mean": 10000}),
   step("Switch <b>dtype</b> to float64. The naive float64 formula copes at a mean of 10⁴, but at 10⁸ it fails as well (this app's tests show it): only a stable algorithm is safe at every precision.",
        "把 <b>dtype</b> 切换为 float64：朴素的 float64 公式在 10⁴ 时还能应付——但在均值为 10⁸ 时同样会失败，本程序的测试就验证了这一点。",
        "<b>dtype</b> を float64 に切り替えてください。素朴な float64 の式は 10⁴ なら持ちこたえますが、平均 10⁸ では同じように破綻します。このアプリのテストがそれを確かめています。",
        expect={"dtype": "float64"}),
  ]},
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lessons.json")
with open(out, "w") as f:
    json.dump({"normlab_lessons": 1, "lessons": lessons}, f, ensure_ascii=False, indent=1)
    f.write("\n")
