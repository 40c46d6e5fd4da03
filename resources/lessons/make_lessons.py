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
   step("Choose <b>instance_norm</b>: one statistic per sample <i>and</i> channel, over the positions only. Hover the cube: each column of the front face (one sample's channel, all its positions) is a group of its own.",
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
   step("Type the lengths <code>32, 20, 12, 6</code> in the Input dock (or drag the sliders). The statistics now use the valid time steps only: every mean is back near 2 and the padded cells are hatched.",
        "在“输入”面板中输入长度 <code>32, 20, 12, 6</code>（或拖动滑块）。现在统计量只使用有效时间步：所有均值都回到 2 附近，填充的格子显示为斜线。",
        "「入力」パネルで長さ <code>32, 20, 12, 6</code> を入力してください（スライダーでも構いません）。統計量は有効なステップだけを使うようになり、平均はどれも 2 付近に戻り、パディングのセルは斜線で表示されます。",
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
   step("Now tick <b>invert with statistics re-estimated from y</b> in the Normalization dock: the common bug of computing μ and σ² from the output. Whenever a channel has more than one element, the output's statistics are β and γ²·σ²/(σ² + ε), about γ² (here 0 and just under 1), not the input's, and x′ comes out wrong.",
        "现在在“归一化”面板中勾选<b>用从 y 重新估计的统计量求逆</b>：这就是从输出计算 μ 和 σ² 的常见错误。只要一个通道有不止一个元素，输出的统计量就是 β 和 γ²·σ²/(σ² + ε)，约为 γ²（这里是 0 和略小于 1），而不是输入的，于是 x′ 就错了。",
        "「正規化」パネルで<b>y から推定し直した統計量で逆変換</b>にチェックを入れてください。出力から μ と σ² を計算してしまう、よくあるバグです。1 つのチャネルに要素が 2 つ以上あれば、出力の統計量は β と γ²·σ²/(σ² + ε)、つまりほぼ γ²（ここでは 0 と 1 よりわずかに小さい値）で、入力のものではないので、x′ は間違った値になります。",
        expect={"reestimate": True}),
   step("The bars at the right are log|det J| per sample, the term a flow adds to its log-likelihood, with the statistics held fixed (treated as constants, as flows do): the sum over the sample's elements of log|γ| − ½·log(σ² + ε). Every BatchNorm bar is equal: the statistics are per channel, shared by all samples, and each sample has the same elements per channel. Untick the box again to compare.",
        "右侧的柱是每个样本的 log|det J|，也就是流模型加到对数似然里的那一项，其中统计量保持固定（像流模型那样当作常数）：对该样本所有元素求和 log|γ| − ½·log(σ² + ε)。BatchNorm 的每根柱都相等：统计量按通道计算、由所有样本共享，且每个样本在每个通道上的元素个数相同。再取消勾选即可对比。",
        "右の棒はサンプルごとの log|det J| で、フローが対数尤度に加える項です。統計量は（フローがするように定数として）固定し、そのサンプルの要素について log|γ| − ½·log(σ² + ε) を足し合わせます。BatchNorm の棒はすべて等しくなります。統計量はチャネルごとで全サンプルに共通であり、どのサンプルもチャネルごとの要素数が同じだからです。チェックを外すと比較できます。",
        expect={"reestimate": False}),
  ]},
 {"id": "running_statistics",
  "title": title("4. Running statistics", "4. 滑动平均统计量", "4. 移動平均統計量"),
  "steps": [
   step("BatchNorm at batch size 2. Press <b>Simulate</b> in the Running statistics view: each training step updates running = (1 − momentum)·running + momentum·batch, and the lines approach the population values (dashed).",
        "批次大小为 2 的 BatchNorm。在“滑动平均统计量”视图中按<b>模拟</b>：每个训练步执行 running = (1 − momentum)·running + momentum·batch，曲线逐渐接近总体值（虚线）。",
        "バッチサイズ 2 の BatchNorm です。「移動平均統計量」ビューで<b>シミュレーション</b>を押してください。学習ステップごとに running = (1 − momentum)·running + momentum·batch と更新され、線が母集団の値（破線）に近づきます。",
        setup=session([2, 4, 16], {"variant": "batch_norm", "num_features": 4}, "running statistics", mean=1.0, spread=2.0)),
   step("Tick <b>none (cumulative average)</b> for momentum: PyTorch then uses 1/num_batches_tracked, the exact average of every batch so far. Simulate again and compare how fast the lines settle.",
        "把 momentum 设为<b>None（累积平均）</b>：PyTorch 此时使用 1/num_batches_tracked，即到目前为止所有批次的精确平均。再模拟一次，比较曲线稳定下来的速度。",
        "momentum で<b>None（累積平均）</b>にチェックを入れてください。PyTorch は 1/num_batches_tracked を使い、これまでの全バッチの正確な平均になります。もう一度シミュレーションして、線が落ち着く速さを比べてください。",
        expect={"momentum": None}),
   step("Two variances: normalising uses the biased one (divide by n), running_var stores the unbiased one (divide by n − 1). Here n = 2 × 16 = 32 per channel. Untick <b>training mode</b>: eval normalises with the running statistics, and the read-out's train/eval gap shows how far apart the two outputs are.",
        "两种方差：归一化使用有偏方差（除以 n），running_var 保存无偏方差（除以 n − 1）。这里每个通道 n = 2 × 16 = 32。取消勾选<b>训练模式</b>：评估模式用滑动平均统计量归一化，读数中的训练/评估差距显示两种输出相差多少。",
        "分散は 2 種類あります。正規化には標本分散（n で割る）、running_var には不偏分散（n − 1 で割る）を使います。ここでは各チャネル n = 2 × 16 = 32 です。<b>学習モード</b>のチェックを外してください。評価モードは移動平均統計量で正規化し、表示の学習／評価の差が 2 つの出力の違いを示します。",
        expect={"training": False}),
  ]},
 {"id": "micro_batches",
  "title": title("5. Micro-batches: BatchNorm, GroupNorm, Batch-Channel Norm", "5. 微批次：BatchNorm、GroupNorm 与 Batch-Channel Norm", "5. マイクロバッチ：BatchNorm・GroupNorm・Batch-Channel Norm"),
  "steps": [
   step("BatchNorm on a batch of 8. The Compare view runs a second configuration (GroupNorm, in the panel at its left) on the very same input.",
        "在 8 个样本的批次上运行 BatchNorm。“对比”视图在完全相同的输入上运行第二个配置（左侧面板中的 GroupNorm）。",
        "バッチ 8 の BatchNorm です。「比較」ビューは、まったく同じ入力で 2 つ目の設定（左のパネルの GroupNorm）を実行します。",
        setup=session([8, 8, 16], {"variant": "batch_norm", "num_features": 8}, "compare")),
   step("Set <b>N (batch)</b> to 1. BatchNorm now takes each channel's statistics from one sample's positions only: it has turned into InstanceNorm. Where samples differ systematically (one recording louder than another), the running statistics, averaged over many such batches, would then be far from what each training batch used, and eval mode would normalise differently from training; on i.i.d. samples like these the difference is only noise. GroupNorm does not depend on the batch at all.",
        "把 <b>N（批次）</b>设为 1。BatchNorm 现在只从一个样本的各位置计算每个通道的统计量：它变成了 InstanceNorm。如果样本之间有系统性差异（比如一段录音比另一段响），在许多这样的批次上平均得到的滑动平均统计量就会与每个训练批次所用的相差很远，评估模式的归一化也就与训练时不同；像这里这样独立同分布的样本，差别只是噪声。GroupNorm 则完全不依赖批次。",
        "<b>N（バッチ）</b>を 1 にしてください。BatchNorm は各チャネルの統計量を 1 サンプルの位置だけから取るようになり、InstanceNorm と同じになります。サンプルの間に系統的な違いがある場合（ある録音が別の録音より大きいなど）、そうしたバッチを多数平均した移動平均統計量は各学習バッチで使った統計量から大きくずれ、評価モードの正規化は学習時と異なるものになります。ここのような独立同分布のサンプルでは、その差は雑音にすぎません。GroupNorm はバッチにまったく依存しません。",
        expect={"batch": 1}),
   step("Choose <b>batch_channel_norm</b> (estimate on): its batch stage normalises with running estimates even in training, then a GroupNorm-style channel stage follows. A batch of one no longer decides the statistics.",
        "选择 <b>batch_channel_norm</b>（开启 estimate）：它的批次阶段即使在训练时也用滑动平均估计值来归一化，之后是类似 GroupNorm 的通道阶段。单个样本的批次不再决定统计量。",
        "<b>batch_channel_norm</b>（estimate オン）を選んでください。バッチ段は学習中でも移動推定値で正規化し、その後に GroupNorm 型のチャネル段が続きます。1 サンプルのバッチが統計量を決めることはもうありません。",
        expect={"variant": "batch_channel_norm"}),
  ]},
 {"id": "instance_norm_mismatch",
  "title": title("6. The silent InstanceNorm num_features mismatch", "6. 悄无声息的 InstanceNorm num_features 不匹配", "6. 黙って通る InstanceNorm の num_features の不一致"),
  "steps": [
   step("InstanceNorm2d(1024) after a conv with 512 channels. Because affine=False and track_running_stats=False, nothing ever computes with num_features: PyTorch before 2.1 runs this silently; 2.1 and later read it only to check the input, and warn. The Diagnostics dock says so.",
        "在 512 通道的卷积之后接 InstanceNorm2d(1024)。由于 affine=False 且 track_running_stats=False，没有任何计算用到 num_features：PyTorch 2.1 之前会悄无声息地运行；2.1 及以后只读取它来检查输入，并给出警告。“诊断”面板会说明这一点。",
        "512 チャネルの畳み込みの後に InstanceNorm2d(1024) を置いた例です。affine=False かつ track_running_stats=False なので、num_features を使う計算はどこにもありません。PyTorch 2.1 より前は黙って実行し、2.1 以降は入力の検査のためだけに読んで警告します。「診断」パネルにそう表示されます。",
        setup=session([1, 512, 8, 8], {"variant": "instance_norm", "num_features": 1024, "affine": False,
                                       "track_running_stats": False}, "statistics")),
   step("Tick <b>affine (γ, β)</b>: now 1024 weights meet 512 channels, and every PyTorch version raises. 2.1 and later raise ValueError before computing; earlier versions raise RuntimeError from the batch-norm kernel InstanceNorm runs on (N × C values against N × num_features weights: at batch 1, “weight should contain 512 elements not 1024”). The workbench shows the message while keeping the last valid result.",
        "勾选 <b>affine（γ, β）</b>：此时 1024 个权重对上 512 个通道，每个 PyTorch 版本都会报错。2.1 及以后在计算前抛出 ValueError；更早的版本由 InstanceNorm 所基于的 batch-norm 内核抛出 RuntimeError（N × C 个值对上 N × num_features 个权重：批次为 1 时是 “weight should contain 512 elements not 1024”）。工作台显示该消息并保留上一个有效结果。",
        "<b>affine（γ, β）</b>にチェックを入れてください。1024 個の重みが 512 チャネルに対応することになり、どのバージョンの PyTorch もエラーになります。2.1 以降は計算の前に ValueError を送出し、それより前のバージョンは InstanceNorm が使う batch-norm のカーネルが RuntimeError を送出します（N × C 個の値に対して N × num_features 個の重み。バッチ 1 なら “weight should contain 512 elements not 1024”）。ワークベンチはメッセージを表示して最後の有効な結果を残します。",
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
   step("The Precision view computes each slice's variance five ways against a float64 two-pass reference. On data with mean 0 every method is fine.",
        "“精度”视图用五种方法计算每个切片的方差，并与 float64 两遍法的参考值比较。数据均值为 0 时，每种方法都没问题。",
        "「精度」ビューは各スライスの分散を 5 通りの方法で計算し、float64 の 2 パス法による基準値と比べます。平均 0 のデータでは、どの方法も問題ありません。",
        setup=session([4, 8, 64], {"variant": "instance_norm", "num_features": 8, "affine": False,
                                   "track_running_stats": False}, "precision")),
   step("Set the input's <b>Mean / value</b> to 10000 (spread 1). E[x²] − E[x]² in float32 subtracts two numbers near 10⁸ that float32 stores only to about 8: the result is wrong by more than 100%, some variances even negative. The two-pass method (float32 sums), Welford and NormLab stay accurate.",
        "把输入的<b>均值 / 取值</b>设为 10000（离散度 1）。float32 的 E[x²] − E[x]² 要相减两个接近 10⁸ 的数，而 float32 只能把它们存到约 8 的精度：结果误差超过 100%，有些方差甚至为负。两遍法（float32 求和）、Welford 和 NormLab 依然准确。",
        "入力の<b>平均 / 値</b>を 10000（広がり 1）にしてください。float32 の E[x²] − E[x]² は 10⁸ 近くの 2 つの数を引き算しますが、float32 はその大きさを 8 程度の精度でしか保持できません。結果の誤差は 100% を超え、分散が負になるものさえあります。2 パス法（float32 の和）、Welford 法、NormLab は正確なままです。",
        expect={"mean": 10000}),
   step("Switch <b>dtype</b> to float64 and set the mean to <b>100000000</b> (10⁸). Now even the naive float64 formula fails: x² is near 10¹⁶, where doubles are 2 apart. And every float32 method fails, however stable: float32 holds numbers near 10⁸ only in steps of 8, so a spread of 1 is lost before any algorithm runs. A safe variance needs both a stable algorithm and a dtype fine enough for the spread at that mean.",
        "把 <b>dtype</b> 切换为 float64，并把均值设为 <b>100000000</b>（10⁸）。这时连朴素的 float64 公式也失败了：x² 接近 10¹⁶，而在那里相邻的 double 相差 2。每一种 float32 方法也都失败，无论多稳定：float32 在 10⁸ 附近只能以 8 为步长表示数，所以离散度 1 在任何算法运行之前就已丢失。要得到可靠的方差，既需要稳定的算法，也需要对该均值下的离散度足够精细的 dtype。",
        "<b>dtype</b> を float64 に切り替え、平均を <b>100000000</b>（10⁸）にしてください。今度は素朴な float64 の式も破綻します。x² は 10¹⁶ 近くになり、そこでは隣り合う double の間隔が 2 だからです。そして float32 の方法は、どれほど安定でもすべて失敗します。float32 は 10⁸ 付近の数を 8 刻みでしか表せないので、広がり 1 はアルゴリズムを実行する前にすでに失われています。正しい分散には、安定なアルゴリズムと、その平均での広がりを表せるだけ細かい dtype の両方が必要です。",
        expect={"dtype": "float64", "mean": 100000000}),
  ]},
 {"id": "backward_geometry",
  "title": title("9. Geometry of the backward pass", "9. 反向传播的几何", "9. 逆伝播の幾何"),
  "steps": [
   step("The <b>Jacobian</b> view shows ∂y/∂x of one slice: here LayerNorm over the 8 features of sample 0 (slice 0; the spin box picks another). Backpropagation multiplies the upstream gradient by this matrix: dx = Jᵀ·dy. Without γ and eps, J is 1/σ times a projection: it removes from dy its mean and its component along the normalised x. Each row sums to 0, because adding one constant to all 8 inputs leaves the output unchanged: the rank is 7 of 8. The next smallest singular value, about 10⁻⁵, is the radial direction: scaling x scales its standard deviation too, and only eps keeps it from 0. The output lies on a sphere of radius about √8 in the plane where its mean is 0.",
        "<b>雅可比矩阵</b>视图显示一个切片的 ∂y/∂x：这里是 LayerNorm 对样本 0 的 8 个特征（切片 0；用数值框可以选择其他切片）。反向传播用这个矩阵乘以上游梯度：dx = Jᵀ·dy。不考虑 γ 和 eps 时，J 等于 1/σ 乘以一个投影：它从 dy 中去掉均值以及沿归一化后的 x 的分量。每一行的和为 0，因为给 8 个输入都加上同一个常数不会改变输出：秩是 7（共 8）。第二小的奇异值约为 10⁻⁵，对应径向：缩放 x 也会同样缩放它的标准差，只有 eps 使它不为 0。输出位于均值为 0 的平面中、半径约为 √8 的球面上。",
        "<b>ヤコビアン</b>ビューは 1 つのスライスの ∂y/∂x を表示します。ここではサンプル 0 の 8 個の特徴量にわたる LayerNorm です（スライス 0。数値ボックスで別のスライスを選べます）。逆伝播は上流の勾配にこの行列を掛けます: dx = Jᵀ·dy。γ と eps を除けば、J は 1/σ 倍の射影です。dy からその平均と、正規化された x に沿った成分を取り除きます。各行の和は 0 です。8 個の入力すべてに同じ定数を足しても出力は変わらないからで、ランクは 8 のうち 7 です。2 番目に小さい特異値（約 10⁻⁵）は動径方向です。x を定数倍すると標準偏差も同じ倍率になり、eps だけがこれを 0 から遠ざけています。出力は、平均 0 の平面上で半径およそ √8 の球面にあります。",
        setup=session([4, 8], {"variant": "layer_norm", "normalized_shape": [8], "elementwise_affine": False}, "jacobian")),
   step("Choose <b>rms_norm</b> (normalized_shape 8). RMSNorm divides by the root mean square and does not subtract the mean: a shift is no longer undone, the rows no longer sum to 0, and the rank is 8 of 8. Only the radial direction is nearly lost: its singular value is of the order of eps. Here eps is left at None, which PyTorch's <code>nn.RMSNorm</code> (2.4 and later) takes as the dtype's machine epsilon, about 1.2·10⁻⁷ for float32: the singular value is about 1.8·10⁻⁷. LLaMA-style implementations set eps = 1e-6, which makes it about 1.5·10⁻⁶.",
        "选择 <b>rms_norm</b>（normalized_shape 为 8）。RMSNorm 除以均方根，但不减去均值：平移不再被抵消，各行的和也不再为 0，秩是 8（共 8）。只有径向几乎丢失：它的奇异值与 eps 同一量级。这里 eps 保留为 None，PyTorch 的 <code>nn.RMSNorm</code>（2.4 及以后）把它取为该 dtype 的机器精度，float32 约为 1.2·10⁻⁷：奇异值约为 1.8·10⁻⁷。LLaMA 式的实现把 eps 设为 1e-6，奇异值就约为 1.5·10⁻⁶。",
        "<b>rms_norm</b>（normalized_shape は 8）を選んでください。RMSNorm は二乗平均平方根で割りますが、平均は引きません。平行移動は打ち消されなくなり、各行の和も 0 ではなくなって、ランクは 8 のうち 8 です。ほとんど失われるのは動径方向だけで、その特異値は eps と同程度です。ここでは eps を None のままにしてあり、PyTorch の <code>nn.RMSNorm</code>（2.4 以降）はこれを dtype のマシンイプシロン、float32 なら約 1.2·10⁻⁷ とします。特異値は約 1.8·10⁻⁷ です。LLaMA 系の実装は eps = 1e-6 とするので、特異値は約 1.5·10⁻⁶ になります。",
        expect={"variant": "rms_norm"}),
   step("Choose <b>batch_norm</b> (num_features 8). A slice is now one feature across the 4 samples of the batch: the 4 × 4 matrix says that sample 0's gradient depends on the inputs of samples 1, 2 and 3. Training with batch statistics couples the samples of a batch in the backward pass. The rank is 3 of 4: again the shift of the slice is lost.",
        "选择 <b>batch_norm</b>（num_features 为 8）。现在一个切片是某个特征在批次中 4 个样本上的取值：这个 4 × 4 矩阵说明样本 0 的梯度依赖于样本 1、2、3 的输入。用批统计量训练时，反向传播把同一批次中的样本耦合在一起。秩是 3（共 4）：同样，切片的平移被丢失了。",
        "<b>batch_norm</b>（num_features は 8）を選んでください。今度のスライスは、1 つの特徴量のバッチ内 4 サンプル分です。この 4 × 4 の行列は、サンプル 0 の勾配がサンプル 1、2、3 の入力にも依存することを示しています。バッチ統計量で学習すると、逆伝播でバッチ内のサンプルが結び付きます。ランクは 4 のうち 3 で、ここでもスライスの平行移動が失われます。",
        expect={"variant": "batch_norm"}),
   step("Untick <b>training mode</b>. In eval, BatchNorm normalises with its running statistics, which do not depend on this batch: the Jacobian is diagonal, γ/√(running_var + eps), and the samples are independent again.",
        "取消勾选<b>训练模式</b>。评估模式下，BatchNorm 用滑动平均统计量归一化，它们与这个批次无关：雅可比矩阵是对角矩阵 γ/√(running_var + eps)，样本之间又互相独立了。",
        "<b>学習モード</b>のチェックを外してください。評価モードの BatchNorm は移動平均統計量で正規化し、それはこのバッチに依存しません。ヤコビアンは対角行列 γ/√(running_var + eps) になり、サンプルは再び互いに独立です。",
        expect={"training": False}),
  ]},
 {"id": "transformer_layer_norm",
  "title": title("10. Transformers: LayerNorm per token", "10. Transformer：逐 token 的 LayerNorm", "10. Transformer：トークンごとの LayerNorm"),
  "steps": [
   step("In a transformer, activations are [N, L, C]: here 2 sequences of 6 tokens with 8 features each. <code>nn.LayerNorm(8)</code> normalises each token over its 8 features: the Statistics view shows 12 slices (2 × 6) of 8 elements. Lesson 1's LayerNorm over (C, L) on [N, C, L] had one slice per sample instead.",
        "在 Transformer 中，激活的形状是 [N, L, C]：这里是 2 条序列，每条 6 个 token，每个 token 有 8 个特征。<code>nn.LayerNorm(8)</code> 对每个 token 的 8 个特征做归一化：“统计量”视图显示 12 个切片（2 × 6），每个 8 个元素。而第 1 课中对 [N, C, L] 的 (C, L) 做 LayerNorm 时，每个样本只有一个切片。",
        "Transformer の活性化は [N, L, C] の形です。ここでは 6 トークンの系列が 2 本あり、各トークンは 8 個の特徴量を持ちます。<code>nn.LayerNorm(8)</code> は各トークンをその 8 個の特徴量で正規化します。「統計量」ビューには 8 要素のスライスが 12 個（2 × 6）表示されます。レッスン 1 で [N, C, L] の (C, L) にかけた LayerNorm では、サンプルごとに 1 つのスライスでした。",
        setup=session([2, 6, 8], {"variant": "layer_norm", "normalized_shape": [8]}, "statistics")),
   step("Set normalized_shape to <code>6, 8</code>: one statistic per sequence over all its tokens, 2 slices of 48. Now each token's output depends on every other token of its sequence, padding tokens included if the sequence was padded. Per-token LayerNorm (<code>normalized_shape=(C,)</code>) never mixes tokens, so padding cannot change a real token's output: it needs no mask.",
        "把 normalized_shape 设为 <code>6, 8</code>：每条序列在其所有 token 上计算一组统计量，共 2 个切片，每个 48 个元素。这时每个 token 的输出都依赖于同一序列中的其他所有 token；如果序列经过填充，也包括填充 token。逐 token 的 LayerNorm（<code>normalized_shape=(C,)</code>）从不混合 token，因此填充不会改变真实 token 的输出：它不需要掩码。",
        "normalized_shape を <code>6, 8</code> にしてください。系列ごとに全トークンにわたる統計量を 1 組取り、48 要素のスライスが 2 つになります。各トークンの出力は、同じ系列の他のすべてのトークンに依存します。系列がパディングされていれば、パディングのトークンにもです。トークンごとの LayerNorm（<code>normalized_shape=(C,)</code>）はトークンを混ぜないので、パディングが本物のトークンの出力を変えることはなく、マスクは要りません。",
        expect={"normalized_shape": [6, 8]}),
   step("Choose <b>batch_norm</b>. NormLab fills in num_features = 6, the second axis, as <code>nn.BatchNorm1d</code> reads [N, C, L]: on [N, L, C] it would normalise each <i>position</i> over the batch and the features, 6 slices of 16, which is not what a transformer wants. It needs <code>x.transpose(1, 2)</code> first, and then each channel's statistics span every token of every sequence in the batch: padding enters them unless it is masked.",
        "选择 <b>batch_norm</b>。NormLab 把 num_features 填为 6，即第二个轴，因为 <code>nn.BatchNorm1d</code> 把输入读作 [N, C, L]：在 [N, L, C] 上，它会对每个<i>位置</i>在批次和特征上做归一化，得到 6 个切片、每个 16 个元素，这并不是 Transformer 想要的。它需要先做 <code>x.transpose(1, 2)</code>，这样每个通道的统计量就覆盖批次中所有序列的所有 token：除非加掩码，填充也会进入统计量。",
        "<b>batch_norm</b> を選んでください。<code>nn.BatchNorm1d</code> は入力を [N, C, L] として読むので、NormLab は num_features を 2 番目の軸の 6 にします。[N, L, C] にかけると、各<i>位置</i>をバッチと特徴量にわたって正規化することになり、16 要素のスライスが 6 つできます。これは Transformer の望むものではありません。先に <code>x.transpose(1, 2)</code> が必要で、そうすると各チャネルの統計量はバッチ内のすべての系列のすべてのトークンにわたります。マスクしない限り、パディングもそこに入ります。",
        expect={"variant": "batch_norm"}),
   step("Pre-LN or post-LN? The original Transformer normalised after the residual sum, x ← LN(x + F(x)) (post-LN): every gradient to an earlier layer passes through LayerNorm's Jacobian, shown here for one token. Of its 8 singular values, one is 0 (the token's mean direction is removed) and one is about 1.7·10⁻⁵ (the radial direction, along the normalised token itself, is nearly removed too: only eps keeps it); only the other 6 pass the gradient on, scaled by γ/√(σ² + ε), here 1.203. Pre-LN, x ← x + F(LN(x)), normalises only the branch's input and keeps an identity path from every layer's output to its input: along the residual path a gradient passes through none of the layers' LayerNorms, only through the final LayerNorm that pre-LN stacks end with (GPT-2's <code>ln_f</code>). Xiong et al. (2020) trace post-LN's need for a learning-rate warm-up to its gradients at initialisation: the expected gradients of the parameters near the output are large in post-LN and well-behaved in pre-LN, which can therefore train without the warm-up.",
        "Pre-LN 还是 post-LN？最初的 Transformer 在残差相加之后归一化：x ← LN(x + F(x))（post-LN）：传向更早层的每个梯度都要经过 LayerNorm 的雅可比矩阵（这里显示一个 token 的）。它的 8 个奇异值中，一个为 0（去掉了该 token 的均值方向），一个约为 1.7·10⁻⁵（径向，即沿归一化后的 token 本身的方向，也几乎被去掉，只有 eps 使它不为 0）；只有其余 6 个方向把梯度传下去，按 γ/√(σ² + ε) 缩放，这里是 1.203。Pre-LN 为 x ← x + F(LN(x))，只归一化分支的输入，并在每一层的输出和输入之间保留一条恒等路径：沿残差路径，梯度不经过任何一层的 LayerNorm，只经过 pre-LN 堆叠末尾的那个最终 LayerNorm（GPT-2 的 <code>ln_f</code>）。Xiong 等人（2020）把 post-LN 需要学习率预热归因于初始化时的梯度：post-LN 中靠近输出的参数的期望梯度很大，而 pre-LN 的梯度表现良好，因此 pre-LN 无需预热就能训练。",
        "Pre-LN か post-LN か。元の Transformer は残差の和の後で正規化していました: x ← LN(x + F(x))（post-LN）。前の層への勾配はすべて LayerNorm のヤコビアン（ここに 1 トークン分を表示）を通ります。その 8 個の特異値のうち 1 つは 0（トークンの平均方向が取り除かれます）、1 つは約 1.7·10⁻⁵ です（動径方向、つまり正規化されたトークン自身の方向もほぼ取り除かれ、eps だけがそれを残しています）。勾配を先へ伝えるのは残りの 6 方向だけで、γ/√(σ² + ε) 倍（ここでは 1.203）されます。Pre-LN は x ← x + F(LN(x)) で、ブランチの入力だけを正規化し、各層の出力から入力への恒等経路を残します。残差経路に沿った勾配は各層の LayerNorm をどれも通らず、pre-LN のスタックの最後に置かれる LayerNorm（GPT-2 の <code>ln_f</code>）だけを通ります。Xiong ら（2020）は、post-LN に学習率のウォームアップが必要な理由を初期化時の勾配に求めています。post-LN では出力に近いパラメータの勾配の期待値が大きく、pre-LN では安定しているので、pre-LN はウォームアップなしで学習できます。",
        setup=session([2, 6, 8], {"variant": "layer_norm", "normalized_shape": [8]}, "jacobian")),
  ]},
 {"id": "scale_invariance",
  "title": title("11. Why normalisation helps optimisation", "11. 归一化为何有助于优化", "11. 正規化が最適化を助ける理由"),
  "steps": [
   step("Normalisation makes a layer scale-invariant. Before it sits a linear layer, x = w·u: multiplying w by c multiplies x by c, and the normalisation divides it out again. Here the input x has spread 1. Look at the size of dx in the <b>Gradients</b> view.",
        "归一化使一层具有尺度不变性。它前面是一个线性层 x = w·u：把 w 乘以 c，x 也乘以 c，而归一化又把它除掉。这里输入 x 的离散度为 1。请在<b>梯度</b>视图中观察 dx 的大小。",
        "正規化は層をスケール不変にします。その前には線形層 x = w·u があり、w を c 倍すると x も c 倍になりますが、正規化がそれを割り戻します。ここでは入力 x の広がりは 1 です。<b>勾配</b>ビューで dx の大きさを見てください。",
        setup=session([4, 8, 16], {"variant": "batch_norm", "num_features": 8}, "gradients")),
   step("Set the input's <b>Spread</b> to 10, as if w were 10 times larger. The output y stays the same (up to eps), and dx is 10 times smaller. So the gradient with respect to w falls as 1/c while w grows as c. With plain SGD the relative step lr·|∇w|/|w| then falls as 1/c²: a weight before a normalisation sets its own effective learning rate, about lr/|w|². Adam divides each gradient by its own running magnitude, so its step does not shrink with the gradient: its relative step falls only as 1/c, an effective rate of about lr/|w|. Scaling w by 10 divides SGD's relative step by 100, Adam's by 10.",
        "把输入的<b>离散度</b>设为 10，就像 w 变大了 10 倍。输出 y 保持不变（除了 eps 的影响），而 dx 变为原来的十分之一。因此对 w 的梯度按 1/c 减小，而 w 按 c 增大。用普通的 SGD 时，相对步长 lr·|∇w|/|w| 于是按 1/c² 减小：归一化之前的权重自己决定了有效学习率，约为 lr/|w|²。Adam 把每个梯度除以它自己的滑动幅度，所以步长不会随梯度缩小：相对步长只按 1/c 减小，有效学习率约为 lr/|w|。把 w 放大 10 倍，SGD 的相对步长变为原来的百分之一，Adam 的变为十分之一。",
        "入力の<b>広がり</b>を 10 にしてください。w が 10 倍になった場合と同じです。出力 y は（eps の影響を除き）変わらず、dx は 10 分の 1 になります。つまり w についての勾配は 1/c で小さくなり、w は c で大きくなります。素の SGD では、相対的な更新幅 lr·|∇w|/|w| は 1/c² で小さくなります。正規化の前の重みは、自分の実効学習率（およそ lr/|w|²）を自分で決めているのです。Adam は各勾配をその移動平均の大きさで割るので、更新幅は勾配とともに小さくはなりません。相対的な更新幅は 1/c でしか小さくならず、実効学習率はおよそ lr/|w| です。w を 10 倍にすると、SGD の相対的な更新幅は 100 分の 1、Adam のものは 10 分の 1 になります。",
        expect={"spread": 10}),
   step("Two practices follow. Weight decay shrinks |w|, which leaves y unchanged but raises the effective learning rate: on weights before a normalisation it acts as a learning-rate schedule, not as a regulariser of the function. γ and β do change y, so they are usually left out of weight decay. And initialising γ = 0 in the last normalisation of a residual branch makes the branch output β = 0: the block x + f(x) starts as the identity, and dx through that normalisation is 0 until γ moves.",
        "由此得出两个常见做法。权重衰减会缩小 |w|，这不改变 y，却提高了有效学习率：对归一化之前的权重而言，它起的是学习率调度的作用，而不是对函数的正则化。γ 和 β 确实会改变 y，因此通常不对它们做权重衰减。另外，在残差分支最后一个归一化层中把 γ 初始化为 0，会使该分支输出 β = 0：残差块 x + f(x) 从恒等映射开始，并且在 γ 改变之前，经过该归一化层的 dx 为 0。",
        "ここから 2 つの実践が導かれます。重み減衰は |w| を小さくしますが、y は変わらず、実効学習率が上がります。正規化の前の重みに対しては、関数の正則化ではなく学習率のスケジュールとして働くのです。γ と β は y を変えるので、ふつうは重み減衰の対象から外します。また、残差ブランチの最後の正規化で γ = 0 と初期化すると、ブランチの出力は β = 0 になります。ブロック x + f(x) は恒等写像から始まり、γ が動くまでその正規化を通る dx は 0 です。"),
  ]},
 {"id": "batch_norm_practice",
  "title": title("12. BatchNorm in practice, and low precision", "12. BatchNorm 实践与低精度", "12. BatchNorm の実践と低精度"),
  "steps": [
   step("Porting a Keras model: <code>BatchNormalization(momentum=0.99, epsilon=0.001)</code> keeps 0.99 of the old running value at each step. PyTorch's momentum is the weight of the <i>new</i> batch: running = (1 − momentum)·running + momentum·batch. Set <b>momentum</b> to 0.01 (and eps to 0.001; PyTorch's defaults are 0.1 and 1e-5): the running means then follow the same update. The running variances differ slightly: Keras updates <code>moving_variance</code> with the biased batch variance, PyTorch's running_var takes the unbiased one, n/(n − 1) times larger. Here n = 2 × 16 = 32 per channel, a factor 32/31 ≈ 1.032: from 1, channel 0's running variance becomes 1.01667 in PyTorch and 1.01583 in Keras after this batch. With 0.1, a batch's weight in the running value halves in under 7 steps; with 0.01, in about 69.",
        "移植 Keras 模型：<code>BatchNormalization(momentum=0.99, epsilon=0.001)</code> 每一步保留旧滑动值的 0.99。PyTorch 的 momentum 则是<i>新</i>批次的权重：running = (1 − momentum)·running + momentum·batch。把 <b>momentum</b> 设为 0.01（并把 eps 设为 0.001；PyTorch 的默认值是 0.1 和 1e-5）：这样滑动均值的更新就相同了。滑动方差还略有不同：Keras 用有偏的批方差更新 <code>moving_variance</code>，PyTorch 的 running_var 用的是无偏方差，是它的 n/(n − 1) 倍。这里每个通道 n = 2 × 16 = 32，相差 32/31 ≈ 1.032 倍：从 1 开始，经过这个批次后，通道 0 的滑动方差在 PyTorch 中是 1.01667，在 Keras 中是 1.01583。momentum 为 0.1 时，一个批次在滑动值中的权重不到 7 步就减半；为 0.01 时约需 69 步。",
        "Keras のモデルを移植するとき: <code>BatchNormalization(momentum=0.99, epsilon=0.001)</code> は各ステップで古い移動平均の 0.99 を残します。PyTorch の momentum は<i>新しい</i>バッチの重みです: running = (1 − momentum)·running + momentum·batch。<b>momentum</b> を 0.01 に（eps も 0.001 に。PyTorch の既定値は 0.1 と 1e-5）してください。これで移動平均（running_mean）の更新は一致します。分散の方はわずかに違います。Keras は <code>moving_variance</code> をバッチの標本分散（n で割る）で更新し、PyTorch の running_var は不偏分散を使うので、n/(n − 1) 倍大きくなります。ここでは各チャネル n = 2 × 16 = 32 で、32/31 ≈ 1.032 倍です。1 から始めて、このバッチの後のチャネル 0 の移動分散は PyTorch では 1.01667、Keras では 1.01583 です。0.1 なら、あるバッチの移動平均への重みは 7 ステップ足らずで半分になり、0.01 なら約 69 ステップかかります。",
        setup=session([2, 4, 16], {"variant": "batch_norm", "num_features": 4}, "running statistics", mean=1.0, spread=2.0),
        expect={"momentum": 0.01}),
   step("Forgetting <code>model.eval()</code>, or fine-tuning with batches of 2: in training mode each channel is normalised with the statistics of this batch alone (here 2 × 16 values), so outputs change with the batch. Untick <b>training mode</b>: eval normalises with the running statistics, as a frozen BatchNorm does when fine-tuning with small batches (keep it in eval mode, and γ and β fixed if you wish); the read-out shows how far the two outputs are apart.",
        "忘记调用 <code>model.eval()</code>，或者用批次大小 2 做微调：训练模式下，每个通道只用这个批次的统计量归一化（这里是 2 × 16 个值），所以输出会随批次而变。取消勾选<b>训练模式</b>：评估模式用滑动平均统计量归一化，就像用小批次微调时冻结的 BatchNorm 那样（让它保持评估模式，也可以固定 γ 和 β）；读数显示两种输出相差多少。",
        "<code>model.eval()</code> を忘れたとき、あるいはバッチサイズ 2 でファインチューニングするとき: 学習モードでは各チャネルがこのバッチだけの統計量（ここでは 2 × 16 個の値）で正規化されるので、出力はバッチによって変わります。<b>学習モード</b>のチェックを外してください。評価モードは移動平均統計量で正規化します。小さいバッチでファインチューニングするときの凍結した BatchNorm と同じです（評価モードのままにし、必要なら γ と β も固定します）。表示が 2 つの出力の差を示します。",
        expect={"training": False}),
   step("Low precision. float16 holds numbers up to 65504. x² passes it from |x| = 256, but the naive formula's float16 sum of squares passes it much sooner, once n·E[x²] > 65504: for these slices of 64 values, from |x| ≈ 32 (65504/64 ≈ 32²). Here, at mean 300, it is not finite in every slice. bfloat16 keeps float32's range but only 8 significant bits: near 300 it holds numbers only in steps of 2. Rounding the input to them costs about 30% of the variance (the median over the slices) before any algorithm runs: the spread is coarsened, not lost. Yet even the stable two-pass method is off by more than 100%, because every partial sum is rounded to bfloat16 as well: near 19,200 (64 × 300) the sum moves in steps of 128. The fix for both: accumulate in float32.",
        "低精度。float16 能表示的最大数是 65504。|x| 从 256 起 x² 就超过它，但朴素公式中 float16 的平方和溢出得早得多：只要 n·E[x²] > 65504 就会溢出，对这里 64 个值的切片，|x| 约从 32 起就溢出（65504/64 ≈ 32²）。这里均值为 300，每个切片都不是有限值。bfloat16 保留了 float32 的范围，但只有 8 位有效位：在 300 附近它只能以 2 为步长表示数。在任何算法运行之前，把输入舍入到这些值就已使方差产生约 30% 的误差（各切片的中位数）：离散度变粗了，但并没有丢失。然而连稳定的两遍法误差也超过 100%，因为每个部分和也都被舍入为 bfloat16：在 19,200（64 × 300）附近，和只能以 128 为步长变化。两者的解决办法都是：用 float32 累加。",
        "低精度。float16 が表せるのは 65504 までです。x² がそれを超えるのは |x| が 256 以上のときですが、素朴な式の float16 による二乗和はずっと早く、n·E[x²] > 65504 になった時点でオーバーフローします。ここの 64 個の値のスライスでは |x| が約 32 からです（65504/64 ≈ 32²）。平均 300 のここでは、すべてのスライスで有限値になりません。bfloat16 は float32 の範囲を保ちますが、有効桁は 8 ビットしかありません。300 付近では 2 刻みでしか数を表せません。入力をその刻みに丸めるだけで、アルゴリズムを実行する前にすでに分散に約 30% の誤差が出ます（スライスの中央値）。広がりは粗くなりますが、失われてはいません。それでも安定な 2 パス法の誤差が 100% を超えるのは、部分和もすべて bfloat16 に丸められるからです。19,200（64 × 300）付近では、和は 128 刻みでしか動きません。どちらも対策は同じで、float32 で累積することです。",
        setup=session([4, 8, 64], {"variant": "instance_norm", "num_features": 8, "affine": False,
                                   "track_running_stats": False}, "precision", mean=300.0)),
   step("Set the <b>Mean / value</b> to 40. Every x² is now far below 65504, yet naive float16 is still not finite in any slice: each slice's 64 squares add up to more than 100,000 (64 × 40² = 102,400). bfloat16 holds numbers near 40 in steps of 0.25: rounding the input now costs only about 1% of the variance (median), and still the two-pass method is off by up to 138%. The 16-bit sums do the damage, not the data: summed in float32, the same bfloat16 values would leave only that rounding. Accumulate statistics in float32.",
        "把<b>均值 / 取值</b>设为 40。现在每个 x² 都远小于 65504，但朴素的 float16 仍然在每个切片都不是有限值：每个切片 64 个平方的和超过 100,000（64 × 40² = 102,400）。bfloat16 在 40 附近以 0.25 为步长表示数：舍入输入现在只造成约 1% 的方差误差（中位数），可两遍法的误差仍高达 138%。造成误差的是 16 位的求和，而不是数据：同样的 bfloat16 值若用 float32 求和，就只剩下那点舍入误差。统计量应当用 float32 累加。",
        "<b>平均 / 値</b>を 40 にしてください。どの x² も 65504 よりはるかに小さくなりましたが、素朴な float16 はやはりすべてのスライスで有限値になりません。各スライスの 64 個の二乗の和が 100,000 を超えるからです（64 × 40² = 102,400）。bfloat16 は 40 付近の数を 0.25 刻みで表します。入力の丸めによる分散の誤差は約 1%（中央値）にすぎないのに、2 パス法の誤差はなお最大 138% です。誤差を生むのはデータではなく 16 ビットの和です。同じ bfloat16 の値を float32 で足せば、残るのはその丸めの誤差だけです。統計量は float32 で累積してください。",
        expect={"mean": 40}),
  ]},
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lessons.json")
with open(out, "w") as f:
    json.dump({"normlab_lessons": 1, "lessons": lessons}, f, ensure_ascii=False, indent=1)
    f.write("\n")
