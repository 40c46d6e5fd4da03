<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Diagnostics</name>
    <message>
        <source>num_features differs from the input&apos;s channels; nothing reads it because the module has no affine parameters or running statistics.</source>
        <translation>num_features 与输入的通道数不同；由于该模块没有仿射参数或滑动平均统计量，num_features 从未被使用。</translation>
    </message>
    <message>
        <source>Some slices have no valid element: their mean and variance are NaN and their outputs 0.</source>
        <translation>有些切片没有任何有效元素：它们的均值和方差为 NaN，输出为 0。</translation>
    </message>
    <message>
        <source>Some slices have exactly one valid element: x − mean = 0 there, so the output is the bias and the variance 0.</source>
        <translation>有些切片恰好只有一个有效元素：那里 x − 均值 = 0，所以输出就是偏置，方差为 0。</translation>
    </message>
    <message>
        <source>Some slices spread so widely that (x - mean)^2 overflows float32: PyTorch&apos;s float32 result is wrong there (NaN or 0). Use float64 or rescale.</source>
        <translation>有些切片分布太宽，(x - 均值)^2 超出了 float32 的范围：PyTorch 在那里的 float32 结果是错误的（NaN 或 0）。请改用 float64 或缩放输入。</translation>
    </message>
    <message>
        <source>Some slices hold NaN or infinite values: their statistics and outputs are not finite.</source>
        <translation>有些切片含有 NaN 或无穷大：它们的统计量和输出都不是有限值。</translation>
    </message>
    <message>
        <source>Slices with too few valid elements were left out of the running-statistics update.</source>
        <translation>有效元素太少的切片没有参与滑动平均统计量的更新。</translation>
    </message>
</context>
<context>
    <name>Findings</name>
    <message>
        <source>The module&apos;s num_features (or num_channels) differs from the number of channels of its input.</source>
        <translation>模块的 num_features（或 num_channels）与其输入的通道数不同。</translation>
    </message>
    <message>
        <source>BatchNorm1d receives [N, L, C] (channels last): it normalises over the wrong axis.</source>
        <translation>BatchNorm1d 收到的是 [N, L, C]（通道在最后）：它在错误的轴上做归一化。</translation>
    </message>
    <message>
        <source>normalized_shape does not match the trailing dimensions of the input.</source>
        <translation>normalized_shape 与输入末尾的维度不匹配。</translation>
    </message>
    <message>
        <source>LayerNorm(C) on a feature map normalises along its last axis (the width) only, not over the channels.</source>
        <translation>对特征图使用 LayerNorm(C) 只会沿最后一轴（宽度）归一化，而不是在通道上。</translation>
    </message>
    <message>
        <source>The number of channels is not divisible by num_groups.</source>
        <translation>通道数不能被 num_groups 整除。</translation>
    </message>
    <message>
        <source>A batch of one: BatchNorm takes its statistics from a single sample.</source>
        <translation>批次只有一个样本：BatchNorm 的统计量只来自一个样本。</translation>
    </message>
    <message>
        <source>InstanceNorm1d reads a 2D input [N, F] as one unbatched sample [C, L].</source>
        <translation>InstanceNorm1d 把二维输入 [N, F] 当作一个不带批次的样本 [C, L]。</translation>
    </message>
    <message>
        <source>Without running statistics, BatchNorm uses the batch&apos;s statistics even in eval mode.</source>
        <translation>没有滑动平均统计量时，BatchNorm 即使在评估模式下也使用批次的统计量。</translation>
    </message>
    <message>
        <source>The convolution&apos;s bias is cancelled by the normalization after it: wasted parameters.</source>
        <translation>卷积的偏置会被其后的归一化抵消：这些参数是多余的。</translation>
    </message>
    <message>
        <source>The module receives an input of a rank it does not accept.</source>
        <translation>该模块收到的输入维数不被它接受。</translation>
    </message>
    <message>
        <source>nn.RMSNorm does not exist in this PyTorch version (it was added in 2.4).</source>
        <translation>此 PyTorch 版本中没有 nn.RMSNorm（它在 2.4 中加入）。</translation>
    </message>
    <message>
        <source>The convolution&apos;s in_channels differs from the number of channels of its input.</source>
        <translation>卷积的 in_channels 与其输入的通道数不同。</translation>
    </message>
    <message>
        <source>The Linear layer&apos;s in_features differs from the size of its input&apos;s last dimension.</source>
        <translation>Linear 层的 in_features 与其输入最后一维的大小不同。</translation>
    </message>
    <message>
        <source>PyTorch rejects one of the module&apos;s arguments (a stride, kernel, padding or factor) when the layer runs.</source>
        <translation>运行该层时，PyTorch 会拒绝模块的某个参数（步幅、卷积核、填充或倍数）。</translation>
    </message>
    <message>
        <source>A size computed from the module&apos;s arguments does not fit in 64 bits.</source>
        <translation>由模块参数计算出的尺寸超出了 64 位整数的范围。</translation>
    </message>
    <message>
        <source>The layer&apos;s output would have a size below 1.</source>
        <translation>该层的输出尺寸会小于 1。</translation>
    </message>
    <message>
        <source>NormLab does not know this module&apos;s shape rule: the shapes after it are unknown.</source>
        <translation>NormLab 不知道此模块的形状规则：它之后的形状未知。</translation>
    </message>
    <message>
        <source>The module&apos;s arguments could not be read.</source>
        <translation>无法读取该模块的参数。</translation>
    </message>
    <message>
        <source>The block&apos;s forward() could not be read from its declared sizes: its shapes are unknown, not guessed.</source>
        <translation>无法从声明的尺寸读出该模块的 forward()：其形状标为未知，而不是猜测。</translation>
    </message>
    <message>
        <source>PyTorch raised this error here in the traced forward pass.</source>
        <translation>PyTorch 在跟踪的前向传播中于此处抛出了这个错误。</translation>
    </message>
    <message>
        <source>The checkpoint and the model disagree on the layer&apos;s affine parameters (weight and bias).</source>
        <translation>检查点与模型在该层的仿射参数（weight 和 bias）上不一致。</translation>
    </message>
    <message>
        <source>The checkpoint and the model disagree on whether the layer keeps running statistics.</source>
        <translation>检查点与模型在该层是否保存滑动平均统计量上不一致。</translation>
    </message>
    <message>
        <source>The checkpoint lacks the layer&apos;s num_batches_tracked.</source>
        <translation>检查点缺少该层的 num_batches_tracked。</translation>
    </message>
    <message>
        <source>The checkpoint&apos;s tensors have another size than the model&apos;s: it was trained with another width.</source>
        <translation>检查点中张量的大小与模型不同：它是用另一种宽度训练的。</translation>
    </message>
    <message>
        <source>The checkpoint&apos;s keys carry a prefix the model&apos;s do not (or the reverse), as a wrapped model saves them.</source>
        <translation>检查点的键带有模型的键所没有的前缀（或相反），这是被包装的模型保存时的样子。</translation>
    </message>
    <message>
        <source>Tensors of the model are missing from the checkpoint.</source>
        <translation>检查点中缺少模型的部分张量。</translation>
    </message>
    <message>
        <source>The checkpoint holds tensors the model has no place for.</source>
        <translation>检查点中有模型无处安放的张量。</translation>
    </message>
    <message>
        <source>GroupNorm(1, C) and LayerNorm over (C, H, W) always normalise identically; only their affine parameters differ (per channel against per element).</source>
        <translation>GroupNorm(1, C) 与对 (C, H, W) 的 LayerNorm 的归一化总是相同的；只有仿射参数不同（按通道还是按元素）。</translation>
    </message>
    <message>
        <source>InstanceNorm over a single spatial element (e.g. after global pooling): PyTorch raises ValueError, in training and in eval without running statistics (computed anyway, every output would be β).</source>
        <translation>只有一个空间元素的 InstanceNorm（例如全局池化之后）：PyTorch 在训练时以及没有滑动平均统计量的评估时都会抛出 ValueError（若照样计算，每个输出都将是 β）。</translation>
    </message>
    <message>
        <source>eps = 0: PyTorch accepts it, but a slice of variance 0 is then divided by zero. This is NormLab&apos;s advice, not a PyTorch rule.</source>
        <translation>eps = 0：PyTorch 接受它，但方差为 0 的切片会被零除。这是 NormLab 的建议，而不是 PyTorch 的规则。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>the folder %1 does not exist</source>
        <translation>文件夹 %1 不存在</translation>
    </message>
    <message>
        <source>the configuration is invalid</source>
        <translation>配置无效</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>note</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>not a session file: %1 at offset %2</source>
        <translation>不是会话文件：%1（偏移 %2）</translation>
    </message>
    <message>
        <source>not a NormLab session file (format %1 expected)</source>
        <translation>不是 NormLab 会话文件（应为格式 %1）</translation>
    </message>
    <message>
        <source>the session&apos;s input shape must have 1 to 5 dimensions</source>
        <translation>会话中输入的形状必须有 1 到 5 个维度</translation>
    </message>
    <message>
        <source>the session&apos;s input shape has a size below 1</source>
        <translation>会话中输入的形状有小于 1 的尺寸</translation>
    </message>
    <message>
        <source>unknown generator &apos;%1&apos;</source>
        <translation>未知的生成方式“%1”</translation>
    </message>
    <message>
        <source>the session&apos;s dtype must be float32 or float64</source>
        <translation>会话的 dtype 必须是 float32 或 float64</translation>
    </message>
    <message>
        <source>the embedded input: %1</source>
        <translation>内嵌的输入：%1</translation>
    </message>
    <message>
        <source>the embedded input must be a float32/float64 array of rank 1 to 5</source>
        <translation>内嵌的输入必须是 1 到 5 维的 float32/float64 数组</translation>
    </message>
    <message>
        <source>the embedded mask: %1</source>
        <translation>内嵌的掩码：%1</translation>
    </message>
    <message>
        <source>the embedded mask must be a bool or uint8 array</source>
        <translation>内嵌的掩码必须是 bool 或 uint8 数组</translation>
    </message>
    <message>
        <source>the embedded mask has shape %1, the input %2</source>
        <translation>内嵌掩码的形状为 %1，而输入为 %2</translation>
    </message>
    <message>
        <source>the session&apos;s lengths must be non-negative integers</source>
        <translation>会话中的长度必须是非负整数</translation>
    </message>
    <message>
        <source>the session has both lengths and a painted mask; keep one</source>
        <translation>会话同时含有长度和绘制的掩码；只能保留其一</translation>
    </message>
    <message>
        <source>unknown backend &apos;%1&apos;</source>
        <translation>未知的后端“%1”</translation>
    </message>
    <message>
        <source>unknown upstream gradient &apos;%1&apos;</source>
        <translation>未知的上游梯度“%1”</translation>
    </message>
    <message>
        <source>unknown γ, β setting &apos;%1&apos;</source>
        <translation>未知的 γ、β 设置“%1”</translation>
    </message>
    <message>
        <source>the embedded γ/β: %1</source>
        <translation>内嵌的 γ/β：%1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>the built-in lessons are missing</source>
        <translation>内置课程缺失</translation>
    </message>
    <message>
        <source>the Compare view&apos;s configuration: %1</source>
        <translation>“对比”视图的配置：%1</translation>
    </message>
    <message>
        <source>the embedded running statistics: %1</source>
        <translation>嵌入的滑动平均统计量：%1</translation>
    </message>
    <message>
        <source>not a 1-D floating-point array</source>
        <translation>不是一维浮点数组</translation>
    </message>
    <message>
        <source>a quiz needs 2 to 10 choices</source>
        <translation>测验需要 2 到 10 个选项</translation>
    </message>
    <message>
        <source>a quiz choice has no English text</source>
        <translation>某个测验选项没有英文文本</translation>
    </message>
    <message>
        <source>the quiz&apos;s &quot;answer&quot; is not the index of one of its choices</source>
        <translation>测验的 &quot;answer&quot; 不是其中某个选项的序号</translation>
    </message>
    <message>
        <source>a quiz needs &quot;choices&quot; or a &quot;value&quot; of %1</source>
        <translation>测验需要 &quot;choices&quot;，或取值为 %1 之一的 &quot;value&quot;</translation>
    </message>
    <message>
        <source>the quiz&apos;s value needs an &quot;index&quot; of 0 or more</source>
        <translation>测验的 value 需要一个不小于 0 的 &quot;index&quot;</translation>
    </message>
    <message>
        <source>the quiz needs a &quot;tolerance&quot; above 0 and at most 1</source>
        <translation>测验需要一个大于 0 且不超过 1 的 &quot;tolerance&quot;</translation>
    </message>
    <message>
        <source>the file is larger than %1 MB</source>
        <translation>文件大于 %1 MB</translation>
    </message>
    <message>
        <source>not a lessons file (a JSON object with &quot;normlab_lessons&quot;: 1)</source>
        <translation>不是课程文件（需要一个带有 &quot;normlab_lessons&quot;: 1 的 JSON 对象）</translation>
    </message>
    <message>
        <source>the file holds no lesson</source>
        <translation>文件中没有课程</translation>
    </message>
    <message>
        <source>lesson %1</source>
        <translation>课程 %1</translation>
    </message>
    <message>
        <source>no English title</source>
        <translation>没有英文标题</translation>
    </message>
    <message>
        <source>no step</source>
        <translation>没有步骤</translation>
    </message>
    <message>
        <source>lesson %1, step %2</source>
        <translation>课程 %1，第 %2 步</translation>
    </message>
    <message>
        <source>no English text</source>
        <translation>没有英文文本</translation>
    </message>
    <message>
        <source>unknown task key &quot;%1&quot;</source>
        <translation>未知的任务键 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>the configuration does not run</source>
        <translation>该配置无法运行</translation>
    </message>
    <message>
        <source>this configuration has no %1</source>
        <translation>该配置没有 %1</translation>
    </message>
    <message>
        <source>there is no %1 number %2</source>
        <translation>没有第 %2 个 %1</translation>
    </message>
    <message>
        <source>The file holds %1 lessons; the editor shows the first.</source>
        <translation>该文件包含 %1 个课程；编辑器显示第一个。</translation>
    </message>
    <message>
        <source>%1 is not a file</source>
        <translation>%1 不是文件</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MB</source>
        <translation>%1 大于 %2 MB</translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation>无法读取 %1</translation>
    </message>
    <message>
        <source>the snippet</source>
        <translation>代码片段</translation>
    </message>
    <message>
        <source>NormLab ran out of memory: the operation was abandoned (the file or the setup needs more memory than this machine can give). Your work is kept.</source>
        <translation>NormLab 内存不足：该操作已放弃（此文件或配置需要的内存超过本机所能提供的）。您的工作已保留。</translation>
    </message>
    <message>
        <source>Out of memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <source>cannot write %1: &quot;%2&quot; is not a picture format NormLab writes (use .png)</source>
        <translation>无法写入 %1：“%2”不是 NormLab 能写出的图片格式（请使用 .png）</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>the session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>task &quot;variant&quot; names &quot;%1&quot;, which is no variant</source>
        <translation>任务的 &quot;variant&quot; 指定了“%1”，但没有这种变体</translation>
    </message>
    <message>
        <source>task &quot;view&quot; names &quot;%1&quot;, which is no view</source>
        <translation>任务的 &quot;view&quot; 指定了“%1”，但没有这个视图</translation>
    </message>
    <message>
        <source>task &quot;dtype&quot; names &quot;%1&quot;, which is no dtype</source>
        <translation>任务的 &quot;dtype&quot; 指定了“%1”，但没有这种数据类型</translation>
    </message>
    <message>
        <source>the text is longer than %1 characters</source>
        <translation>正文超过 %1 个字符</translation>
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
        <translation>输入 %1 的元素个数超过了工作台能计算的上限（2^31）</translation>
    </message>
    <message>
        <source>an input of %1 would need about %2 of memory to show; this machine has %3 available</source>
        <translation>显示输入 %1 大约需要 %2 内存，而本机可用内存只有 %3</translation>
    </message>
    <message>
        <source>the input shape %1 has a size above %2, the most the size editors take (load the data as a .npy file instead)</source>
        <translation>输入形状 %1 中有尺寸超过 %2，超出了尺寸输入框的上限（请改为以 .npy 文件载入数据）</translation>
    </message>
    <message>
        <source>the seed %1 is above %2, the most the seed editor takes</source>
        <translation>种子 %1 超过了种子输入框的上限 %2</translation>
    </message>
    <message>
        <source>the generator&apos;s mean %1 or spread %2 is outside what its editors take (|mean| and spread up to %3)</source>
        <translation>生成器的均值 %1 或离散度 %2 超出了输入框的范围（|均值| 和离散度最大为 %3）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CaptureDock</name>
    <message>
        <source>No capture open. File &gt; Open capture... reads a folder written by normlab_trace.py --activations.</source>
        <translation>尚未打开捕获。“文件 &gt; 打开捕获...”读取 normlab_trace.py --activations 写出的文件夹。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop computing the layers&apos; health</source>
        <translation>停止计算各层的健康状况</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>%1 normalization layers from %2 (PyTorch %3); health of %4 computed. Select a layer to open it in the workbench.</source>
        <translation>来自 %2 的 %1 个归一化层（PyTorch %3）；已计算 %4 层的健康状况。选择一层即可在工作台中打开。</translation>
    </message>
    <message>
        <source>%1 holds no normalization layer</source>
        <translation>%1 中没有归一化层</translation>
    </message>
    <message>
        <source>(first %1 captured)</source>
        <translation>（捕获了前 %1 个）</translation>
    </message>
    <message>
        <source>computing...</source>
        <translation>计算中...</translation>
    </message>
    <message>
        <source>%1 normalization layers from %2 (PyTorch %3); computing their health...</source>
        <translation>来自 %2 的 %1 个归一化层（PyTorch %3）；正在计算健康状况...</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Health: %1 of %2 layers...</source>
        <translation>健康状况：%2 层中的 %1 层...</translation>
    </message>
    <message>
        <source>The inputs were generated (%1), not your data: the statistics describe that data, not your model&apos;s.</source>
        <translation>输入是生成的（%1），不是您的数据：这些统计量描述的是生成的数据，而不是您模型的实际数据。</translation>
    </message>
    <message>
        <source>The trouble starts at %1 (the first layer whose eval output departs from its training output); the later layers that diverge inherit it.</source>
        <translation>问题从 %1 开始（第一个 eval 模式输出偏离训练模式输出的层）；之后出现偏离的层是继承了它的问题。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CodeView</name>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Save snippet and files...</source>
        <translation>保存代码和文件(&amp;S)...</translation>
    </message>
    <message>
        <source>Writes %1 with input.npy (the exact input), mask.npy and the affine parameters into a folder: run it there with python3.</source>
        <translation>把 %1 连同 input.npy（精确的输入）、mask.npy 和仿射参数写入一个文件夹：在那里用 python3 运行它。</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Save the snippet and its files into</source>
        <translation>将代码及其文件保存到</translation>
    </message>
    <message>
        <source>Cannot save the snippet</source>
        <translation>无法保存代码</translation>
    </message>
    <message>
        <source>Python 3 with PyTorch and NumPy. Save writes the exact input next to the snippet; without it the snippet draws a look-alike input.</source>
        <translation>需要装有 PyTorch 和 NumPy 的 Python 3。“保存”会把精确的输入写在代码旁；没有它时，代码会生成一个相似的输入。</translation>
    </message>
    <message>
        <source>nothing has been computed yet</source>
        <translation>还没有计算结果</translation>
    </message>
    <message>
        <source>Saved into %1.</source>
        <translation>已保存到 %1。</translation>
    </message>
    <message>
        <source>PyTorch code</source>
        <translation>PyTorch 代码</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CompareView</name>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Configuration B</source>
        <translation>配置 B</translation>
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
        <translation>A：工作台</translation>
    </message>
    <message>
        <source>B: the panel at the left</source>
        <translation>B：左侧面板</translation>
    </message>
    <message>
        <source>computing B...</source>
        <translation>正在计算 B……</translation>
    </message>
    <message>
        <source>B (%1) does not run on this input: %2</source>
        <translation>B（%1）无法在此输入上运行：%2</translation>
    </message>
    <message>
        <source>A: %1, %2 slices sharing statistics · B: %3, %4 slices · largest |y_A − y_B| = %5 over the valid elements</source>
        <translation>A：%1，%2 个共享统计量的切片 · B：%3，%4 个切片 · 有效元素上最大的 |y_A − y_B| = %5</translation>
    </message>
</context>
<context>
    <name>normlab::ui::CubeView</name>
    <message>
        <source>BatchNorm: one mean/variance per channel, over N and the positions</source>
        <translation>BatchNorm：每个通道一组均值/方差，在 N 和所有位置上计算</translation>
    </message>
    <message>
        <source>InstanceNorm: one per sample and channel, over the positions</source>
        <translation>InstanceNorm：每个样本的每个通道一组，在所有位置上计算</translation>
    </message>
    <message>
        <source>LayerNorm: one per leading index, over normalized_shape</source>
        <translation>LayerNorm：每个前导索引一组，在 normalized_shape 上计算</translation>
    </message>
    <message>
        <source>GroupNorm: one per sample and group of channels, over the group and the positions</source>
        <translation>GroupNorm：每个样本的每个通道组一组，在组内通道和所有位置上计算</translation>
    </message>
    <message>
        <source>RMSNorm: one root mean square per leading index</source>
        <translation>RMSNorm：每个前导索引一个均方根</translation>
    </message>
    <message>
        <source>Batch-Channel Norm, batch stage: one per channel (as BatchNorm)</source>
        <translation>Batch-Channel Norm 的批次阶段：每个通道一组（同 BatchNorm）</translation>
    </message>
    <message>
        <source>Custom: one per index of the kept axes</source>
        <translation>自定义：保留轴的每个索引一组</translation>
    </message>
    <message>
        <source>Cube</source>
        <translation>立方体</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>着色</translation>
    </message>
    <message>
        <source>the highlighted slice (as in the Group Norm paper)</source>
        <translation>高亮的切片（如 Group Norm 论文中的图）</translation>
    </message>
    <message>
        <source>every slice in its own colour</source>
        <translation>每个切片用各自的颜色</translation>
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
        <translation>（无）</translation>
    </message>
    <message>
        <source>%1 = %2
(%3 drawn)</source>
        <translation>%1 = %2
（绘制 %3 个）</translation>
    </message>
    <message>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <source>Hover a cell to highlight the elements that share its statistics.</source>
        <translation>将鼠标悬停在格子上，高亮与它共享统计量的元素。</translation>
    </message>
    <message>
        <source>slice %1: %2 valid elements share μ = %3, σ² = %4 (hover a cell here or in the Slices view)</source>
        <translation>切片 %1：%2 个有效元素共享 μ = %3，σ² = %4（在此处或“切片”视图中悬停格子）</translation>
    </message>
    <message>
        <source>Export picture (PNG, PDF)...</source>
        <translation>导出图片（PNG、PDF）...</translation>
    </message>
    <message>
        <source>Export the cube</source>
        <translation>导出立方体</translation>
    </message>
    <message>
        <source>Images (*.png *.pdf)</source>
        <translation>图片 (*.png *.pdf)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::DebuggerView</name>
    <message>
        <source>Paste what print(model) prints</source>
        <translation>粘贴 print(model) 的输出</translation>
    </message>
    <message>
        <source>The PyTorch version whose behaviour the findings describe: 2.1 changed InstanceNorm&apos;s num_features checks, 2.4 added nn.RMSNorm</source>
        <translation>诊断结果所描述的 PyTorch 版本：2.1 修改了 InstanceNorm 对 num_features 的检查，2.4 加入了 nn.RMSNorm</translation>
    </message>
    <message>
        <source>Open model text...</source>
        <translation>打开模型文本...</translation>
    </message>
    <message>
        <source>Analyse</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation>Ctrl+Return</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>诊断结果</translation>
    </message>
    <message>
        <source>Open this layer in the workbench</source>
        <translation>在工作台中打开此层</translation>
    </message>
    <message>
        <source>Input shape:</source>
        <translation>输入形状：</translation>
    </message>
    <message>
        <source>PyTorch:</source>
        <translation>PyTorch：</translation>
    </message>
    <message>
        <source>Open model text</source>
        <translation>打开模型文本</translation>
    </message>
    <message>
        <source>Text (*.txt *.log);;All files (*)</source>
        <translation>文本 (*.txt *.log);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The input shape</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <source>The PyTorch version must look like 2.1 or 1.13</source>
        <translation>PyTorch 版本的格式应为 2.1 或 1.13</translation>
    </message>
    <message>
        <source>Cannot read the model text: %1 (the last analysis stays below)</source>
        <translation>无法读取模型文本：%1（下方保留上一次的分析）</translation>
    </message>
    <message>
        <source>%1 layers; %2 errors, %3 warnings, %4 notes (PyTorch %5). %6</source>
        <translation>%1 层；%2 个错误，%3 个警告，%4 个提示（PyTorch %5）。%6</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>line %1 of the text; input %2, output %3</source>
        <translation>文本第 %1 行；输入 %2，输出 %3</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>修正：</translation>
    </message>
    <message>
        <source>No findings on this layer.</source>
        <translation>此层没有诊断结果。</translation>
    </message>
    <message>
        <source>Set up the workbench with this layer and an input of shape %1</source>
        <translation>用此层和形状为 %1 的输入设置工作台</translation>
    </message>
    <message>
        <source>Only normalization layers with a known input shape</source>
        <translation>只适用于输入形状已知的归一化层</translation>
    </message>
    <message>
        <source>Debugger</source>
        <translation>调试器</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>inferred</source>
        <translation>推断</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Shape is</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Rests on:</source>
        <translation>依据：</translation>
    </message>
    <message>
        <source>Open trace...</source>
        <translation>打开跟踪...</translation>
    </message>
    <message>
        <source>A trace of the real forward pass, written by normlab_trace.py: exact shapes</source>
        <translation>normlab_trace.py 写出的真实前向传播跟踪：形状确定</translation>
    </message>
    <message>
        <source>Trace script...</source>
        <translation>跟踪脚本...</translation>
    </message>
    <message>
        <source>Save normlab_trace.py and copy the three lines that trace a model from a notebook</source>
        <translation>保存 normlab_trace.py，并复制在笔记本中跟踪模型的三行代码</translation>
    </message>
    <message>
        <source>Open trace</source>
        <translation>打开跟踪</translation>
    </message>
    <message>
        <source>Traces (*.json);;All files (*)</source>
        <translation>跟踪 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1: %2 (the last analysis stays below)</source>
        <translation>%1：%2（上一次的分析仍显示在下方）</translation>
    </message>
    <message>
        <source>Trace %1.</source>
        <translation>跟踪 %1。</translation>
    </message>
    <message>
        <source>Save the trace script</source>
        <translation>保存跟踪脚本</translation>
    </message>
    <message>
        <source>Python (*.py)</source>
        <translation>Python (*.py)</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Saved %1. The lines that trace a model from a notebook are on the clipboard; or run: python3 normlab_trace.py --model my_model.py:build --input-shape 2,3,224,224 --out trace.json, then Open trace.</source>
        <translation>已保存 %1。在笔记本中跟踪模型的几行代码已复制到剪贴板；或者运行 python3 normlab_trace.py --model my_model.py:build --input-shape 2,3,224,224 --out trace.json，然后“打开跟踪”。</translation>
    </message>
    <message>
        <source>Open checkpoint...</source>
        <translation>打开检查点...</translation>
    </message>
    <message>
        <source>A checkpoint to load into this model (.pt, .pth, .bin, .safetensors): what load_state_dict would raise, and why. Only its headers are read; no code in it runs.</source>
        <translation>要载入此模型的检查点（.pt、.pth、.bin、.safetensors）：load_state_dict 会报什么错，以及原因。只读取文件头，不执行文件中的任何代码。</translation>
    </message>
    <message>
        <source>Forget checkpoint</source>
        <translation>移除检查点</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>打开检查点</translation>
    </message>
    <message>
        <source>Checkpoints (*.pt *.pth *.bin *.safetensors *.ckpt);;All files (*)</source>
        <translation>检查点 (*.pt *.pth *.bin *.safetensors *.ckpt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot read the checkpoint: %1 (nothing changed)</source>
        <translation>无法读取检查点：%1（未做任何更改）</translation>
    </message>
    <message>
        <source>Checkpoint %1</source>
        <translation>检查点 %1</translation>
    </message>
    <message>
        <source>load_state_dict loads it.</source>
        <translation>load_state_dict 可以载入它。</translation>
    </message>
    <message>
        <source>load_state_dict raises:</source>
        <translation>load_state_dict 会报错：</translation>
    </message>
    <message>
        <source>With strict=False it still raises (sizes differ).</source>
        <translation>即使 strict=False 也会报错（大小不同）。</translation>
    </message>
    <message>
        <source>With strict=False it loads: unexpected tensors are ignored, missing ones keep their initial values (see the layers&apos; findings).</source>
        <translation>使用 strict=False 时可以载入：多余的张量被忽略，缺少的保持初始值（见各层的诊断结果）。</translation>
    </message>
    <message>
        <source>%1 tensors</source>
        <translation>%1 个张量</translation>
    </message>
    <message>
        <source>This trace lists no modules (an older normlab_trace.py wrote it): trace the model again to check the checkpoint against it.</source>
        <translation>此追踪没有列出模块（由旧版 normlab_trace.py 写出）：请重新追踪模型，以便与检查点对照。</translation>
    </message>
    <message>
        <source>the trace</source>
        <translation>追踪文件</translation>
    </message>
    <message>
        <source>%1 (the last analysis stays below)</source>
        <translation>%1（上次的分析仍显示在下方）</translation>
    </message>
    <message>
        <source>it cannot be checked: %1</source>
        <translation>无法核对：%1</translation>
    </message>
    <message>
        <source>Shape of the model&apos;s input, e.g. 1,256,64,64. Optional: left empty, what the text itself fixes (the channels inside nn.Sequential) is checked</source>
        <translation>模型输入的形状，例如 1,256,64,64。可选：留空时，检查文本本身确定的内容（nn.Sequential 内的通道数）</translation>
    </message>
    <message>
        <source>input shape (optional)</source>
        <translation>输入形状（可选）</translation>
    </message>
    <message>
        <source>Trace with Python...</source>
        <translation>用 Python 追踪...</translation>
    </message>
    <message>
        <source>Run the model&apos;s forward pass under your Python with PyTorch and open its trace: every shape exact</source>
        <translation>用您的 Python 和 PyTorch 运行模型的前向传播并打开其追踪：每个形状都是精确的</translation>
    </message>
    <message>
        <source>Cancel trace</source>
        <translation>取消追踪</translation>
    </message>
    <message>
        <source>Tracing... %1 s%2</source>
        <translation>追踪中... %1 秒%2</translation>
    </message>
    <message>
        <source>Trace cancelled; the last analysis stays below.</source>
        <translation>追踪已取消；上次的分析仍显示在下方。</translation>
    </message>
    <message>
        <source>Tracing...</source>
        <translation>追踪中...</translation>
    </message>
</context>
<context>
    <name>normlab::ui::GradientsView</name>
    <message>
        <source>Gradients</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>dx: n × C + c</source>
        <translation>dx：n × C + c</translation>
    </message>
    <message>
        <source>ones: L = Σ y</source>
        <translation>全一：L = Σ y</translation>
    </message>
    <message>
        <source>random: L = Σ r·y</source>
        <translation>随机：L = Σ r·y</translation>
    </message>
    <message>
        <source>one channel: L = Σ y[:, c]</source>
        <translation>单个通道：L = Σ y[:, c]</translation>
    </message>
    <message>
        <source>MSE to 0: L = mean(y²)</source>
        <translation>到 0 的均方误差：L = mean(y²)</translation>
    </message>
    <message>
        <source>Upstream gradient dy = ∂L/∂y for</source>
        <translation>上游梯度 dy = ∂L/∂y，损失为</translation>
    </message>
    <message>
        <source>channel c</source>
        <translation>通道 c</translation>
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
        <translation>参数</translation>
    </message>
    <message>
        <source>dγ, dβ</source>
        <translation>dγ, dβ</translation>
    </message>
    <message>
        <source>finite-difference check skipped (more than %1 elements)</source>
        <translation>已跳过有限差分检查（超过 %1 个元素）</translation>
    </message>
    <message>
        <source>finite-difference check on %1 elements of x (float64, h = 1e-6): max |analytic − numeric| = %2</source>
        <translation>在 x 的 %1 个元素上做有限差分检查（float64，h = 1e-6）：max |解析 − 数值| = %2</translation>
    </message>
    <message>
        <source> dx = 0: every slice&apos;s statistics absorb this gradient (a uniform dy moves only the mean, which normalisation removes).</source>
        <translation> dx = 0：每个切片的统计量吸收了这个梯度（均匀的 dy 只移动均值，而归一化会去掉均值）。</translation>
    </message>
    <message>
        <source>upstream: %1.%4 %2%3</source>
        <translation>上游：%1。%4 %2%3</translation>
    </message>
    <message>
        <source>; no affine parameters</source>
        <translation>；没有仿射参数</translation>
    </message>
</context>
<context>
    <name>normlab::ui::InputPanel</name>
    <message>
        <source>Rank</source>
        <translation>维数</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>生成方式</translation>
    </message>
    <message>
        <source>Mean / value</source>
        <translation>均值 / 取值</translation>
    </message>
    <message>
        <source>Spread (std)</source>
        <translation>离散度（标准差）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <source>e.g. 16, 9, 1, 0 (one per sample; empty: no mask)</source>
        <translation>例如 16, 9, 1, 0（每个样本一个；留空：无掩码）</translation>
    </message>
    <message>
        <source>Lengths</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>Paint a mask on the Slices view: choose a brush above its plot and drag over the cells.</source>
        <translation>在“切片”视图上绘制掩码：在图上方选择画笔，然后在格子上拖动。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Remove the painted mask (every element valid)</source>
        <translation>移除绘制的掩码（所有元素都有效）</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>Load .npy...</source>
        <translation>加载 .npy...</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Activations loaded before</source>
        <translation>以前加载过的激活</translation>
    </message>
    <message>
        <source>none painted</source>
        <translation>未绘制</translation>
    </message>
    <message>
        <source>%1 of %2 masked out</source>
        <translation>%2 个中有 %1 个被掩蔽</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a length (a non-negative integer)</source>
        <translation>“%1”不是长度（应为非负整数）</translation>
    </message>
    <message>
        <source>sliders are shown for batches of up to %1 samples</source>
        <translation>批次不超过 %1 个样本时才显示滑块</translation>
    </message>
    <message>
        <source>valid length of sample %1</source>
        <translation>样本 %1 的有效长度</translation>
    </message>
    <message>
        <source>Load an activation</source>
        <translation>加载激活</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy)</source>
        <translation>NumPy 数组 (*.npy)</translation>
    </message>
    <message>
        <source>Cannot load %1</source>
        <translation>无法加载 %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>N (batch)</source>
        <translation>N（批次）</translation>
    </message>
    <message>
        <source>C (channels)</source>
        <translation>C（通道）</translation>
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
        <translation>样本 n</translation>
    </message>
    <message>
        <source>log|det J|</source>
        <translation>log|det J|</translation>
    </message>
    <message>
        <source>Inverse with statistics re-estimated from y (the flow bug): max error %1. The stored statistics give %2.</source>
        <translation>用从 y 重新估计的统计量求逆（flow 中的常见错误）：最大误差 %1。用保存的统计量则为 %2。</translation>
    </message>
    <message>
        <source>Inverse with the stored statistics: max |x − x′| = %1 (rounding only).</source>
        <translation>用保存的统计量求逆：max |x − x′| = %1（仅舍入误差）。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::JacobianView</name>
    <message>
        <source>Jacobian</source>
        <translation>雅可比矩阵</translation>
    </message>
    <message>
        <source>Slice</source>
        <translation>切片</translation>
    </message>
    <message>
        <source>output element i (of the slice)</source>
        <translation>输出元素 i（切片内）</translation>
    </message>
    <message>
        <source>∂y_i / ∂x_j</source>
        <translation>∂y_i / ∂x_j</translation>
    </message>
    <message>
        <source>input element j (of the slice)</source>
        <translation>输入元素 j（切片内）</translation>
    </message>
    <message>
        <source>singular value, largest first</source>
        <translation>奇异值（从大到小）</translation>
    </message>
    <message>
        <source>singular value (log scale)</source>
        <translation>奇异值（对数刻度）</translation>
    </message>
    <message>
        <source>kept (above the rank tolerance)</source>
        <translation>保留（高于秩的容差）</translation>
    </message>
    <message>
        <source>lost (at most the tolerance; drawn on it)</source>
        <translation>丢失（不超过容差；画在容差处）</translation>
    </message>
    <message>
        <source>Pick a slice: its Jacobian appears here.</source>
        <translation>选择一个切片，它的雅可比矩阵将显示在这里。</translation>
    </message>
    <message>
        <source>Computing the Jacobian of slice %1…</source>
        <translation>正在计算切片 %1 的雅可比矩阵…</translation>
    </message>
    <message>
        <source>No Jacobian: %1</source>
        <translation>没有雅可比矩阵：%1</translation>
    </message>
    <message>
        <source>Slice %1: %2 valid elements; rank %3 of %4 (singular values above %5).</source>
        <translation>切片 %1：%2 个有效元素；秩为 %3（共 %4，统计大于 %5 的奇异值）。</translation>
    </message>
    <message>
        <source>Sampled: the slice has more than %1 elements, so one element in %2 is shown; the spectrum is that of the sampled block, not of the whole slice.</source>
        <translation>抽样显示：该切片的元素超过 %1 个，因此每 %2 个元素显示一个；谱是抽样块的谱，而不是整个切片的谱。</translation>
    </message>
    <message>
        <source>Eval with running statistics: each output depends on its own input only (a diagonal), so the samples of a batch do not interact.</source>
        <translation>使用滑动平均统计量的评估模式：每个输出只依赖于它自己的输入（对角矩阵），因此批次中的样本互不影响。</translation>
    </message>
    <message>
        <source>Batch statistics: the smallest singular value, %1, belongs to adding a constant to the slice (the mean removes it); the next, %2, to scaling the slice (the division by the standard deviation undoes it, except for eps); the other %3 are |γ|/√(var + eps) = %4. Before γ and β the output has mean 0 and mean square var/(var + eps), just under 1: it lies on a sphere in the plane where its mean is 0.</source>
        <translation>批统计量：最小的奇异值 %1 对应于给整个切片加上一个常数（减去均值会将其消除）；下一个 %2 对应于缩放整个切片（除以标准差会将其抵消，只剩 eps 的影响）；其余 %3 个等于 |γ|/√(var + eps) = %4。在 γ 和 β 之前，输出的均值为 0、均方为 var/(var + eps)（略小于 1）：它位于均值为 0 的平面中的一个球面上。</translation>
    </message>
    <message>
        <source>RMSNorm does not centre: only scaling the slice is undone (smallest singular value %1, kept only by eps); the other %2 are |γ|·r = %3.</source>
        <translation>RMSNorm 不做中心化：只有缩放整个切片的方向被抵消（最小奇异值 %1，仅因 eps 而保留）；其余 %2 个等于 |γ|·r = %3。</translation>
    </message>
    <message>
        <source>Batch statistics with γ varying within the slice: J = diag(γ) times a symmetric matrix; adding a constant to the slice still changes nothing (smallest singular value %1).</source>
        <translation>切片内 γ 各不相同的批统计量：J = diag(γ) 乘以一个对称矩阵；给整个切片加上常数仍然不改变任何东西（最小奇异值 %1）。</translation>
    </message>
    <message>
        <source>The slice whose Jacobian is shown (hovering a slice in the Slices or Cube view picks it too)</source>
        <translation>显示其雅可比矩阵的切片（在切片视图或立方体视图中悬停某个切片也会选中它）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::LessonEditor</name>
    <message>
        <source>Lesson editor</source>
        <translation>课程编辑器</translation>
    </message>
    <message>
        <source>Lesson id</source>
        <translation>课程 ID</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Add step from the workbench</source>
        <translation>从工作台添加步骤</translation>
    </message>
    <message>
        <source>A new step whose setup is the workbench as it is now</source>
        <translation>以工作台当前状态作为设置的新步骤</translation>
    </message>
    <message>
        <source>Set up from the workbench</source>
        <translation>从工作台设置</translation>
    </message>
    <message>
        <source>This step&apos;s setup becomes the workbench as it is now</source>
        <translation>此步骤的设置变为工作台的当前状态</translation>
    </message>
    <message>
        <source>No setup</source>
        <translation>无设置</translation>
    </message>
    <message>
        <source>This step keeps the workbench as the learner left it</source>
        <translation>此步骤保留学习者留下的工作台状态</translation>
    </message>
    <message>
        <source>Remove step</source>
        <translation>删除步骤</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Text (rich text: &lt;b&gt;, &lt;i&gt;, &lt;code&gt;; a missing language shows the English)</source>
        <translation>文本（富文本：&lt;b&gt;、&lt;i&gt;、&lt;code&gt;；缺少的语言显示英文）</translation>
    </message>
    <message>
        <source>Task: the conditions to meet (ticked)</source>
        <translation>任务：需要满足的条件（已勾选）</translation>
    </message>
    <message>
        <source>Offer the workbench&apos;s conditions now</source>
        <translation>列出工作台当前的条件</translation>
    </message>
    <message>
        <source>Quiz</source>
        <translation>测验</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>choices</source>
        <translation>选择题</translation>
    </message>
    <message>
        <source>a number read off the workbench</source>
        <translation>从工作台读出的数值</translation>
    </message>
    <message>
        <source>one choice per line</source>
        <translation>每行一个选项</translation>
    </message>
    <message>
        <source>Choices</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>Right choice (1 = first)</source>
        <translation>正确选项（1 = 第一个）</translation>
    </message>
    <message>
        <source>The value of</source>
        <translation>数值来源</translation>
    </message>
    <message>
        <source>Index (slice or channel)</source>
        <translation>序号（切片或通道）</translation>
    </message>
    <message>
        <source>Tolerance (relative)</source>
        <translation>容差（相对）</translation>
    </message>
    <message>
        <source>explanation shown after the answer (English)</source>
        <translation>回答后显示的说明（英文）</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Open...</source>
        <translation>打开...</translation>
    </message>
    <message>
        <source>Save as...</source>
        <translation>另存为...</translation>
    </message>
    <message>
        <source>Try it in the Lesson dock</source>
        <translation>在课程面板中试用</translation>
    </message>
    <message>
        <source>Open lessons</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>NormLab lessons (*.json)</source>
        <translation>NormLab 课程 (*.json)</translation>
    </message>
    <message>
        <source>Cannot open the lessons</source>
        <translation>无法打开课程</translation>
    </message>
    <message>
        <source>Save the lesson</source>
        <translation>保存课程</translation>
    </message>
    <message>
        <source>Cannot save the lesson</source>
        <translation>无法保存课程</translation>
    </message>
    <message>
        <source>Not ready: %1</source>
        <translation>尚未就绪：%1</translation>
    </message>
    <message>
        <source>Listed in the Lesson dock.</source>
        <translation>已列入课程面板。</translation>
    </message>
    <message>
        <source>(no text yet)</source>
        <translation>（尚无文本）</translation>
    </message>
    <message>
        <source>No step yet: set up the workbench, then Add step from the workbench.</source>
        <translation>还没有步骤：先设置工作台，再点击“从工作台添加步骤”。</translation>
    </message>
    <message>
        <source>Setup: none (the step keeps the workbench as the learner left it).</source>
        <translation>设置：无（此步骤保留学习者留下的工作台状态）。</translation>
    </message>
    <message>
        <source>Setup: %1 on an input of shape [%2], view %3.</source>
        <translation>设置：形状为 [%2] 的输入上的 %1，视图 %3。</translation>
    </message>
    <message>
        <source>as it is</source>
        <translation>保持不变</translation>
    </message>
    <message>
        <source>The lesson is not complete: %1</source>
        <translation>课程尚未完成：%1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::LessonPanel</name>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Previous step (Alt+Left)</source>
        <translation>上一步（Alt+左方向键）</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>演示给我看</translation>
    </message>
    <message>
        <source>Do this step&apos;s task in the workbench</source>
        <translation>在工作台中替你完成这一步的任务</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Next step (Alt+Right)</source>
        <translation>下一步（Alt+右方向键）</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>共 %1 步</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Read, look, then go on.</source>
        <translation>阅读、观察，然后继续。</translation>
    </message>
    <message>
        <source>✓ Done.</source>
        <translation>✓ 完成。</translation>
    </message>
    <message>
        <source>To do: %1</source>
        <translation>待完成：%1</translation>
    </message>
    <message>
        <source>your answer</source>
        <translation>你的答案</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Pick one of the answers.</source>
        <translation>请选择一个答案。</translation>
    </message>
    <message>
        <source>This question cannot be checked now: %1.</source>
        <translation>现在无法检查这道题：%1。</translation>
    </message>
    <message>
        <source>Type a number.</source>
        <translation>请输入一个数。</translation>
    </message>
    <message>
        <source>✓ Right.</source>
        <translation>✓ 正确。</translation>
    </message>
    <message>
        <source>✗ Not quite: the answer is %1.</source>
        <translation>✗ 不太对：答案是 %1。</translation>
    </message>
    <message>
        <source>Quiz score: %1 of %2 right at the first try.</source>
        <translation>测验得分：%2 题中第一次就答对 %1 题。</translation>
    </message>
    <message>
        <source>Answer the question below, then go on.</source>
        <translation>回答下面的问题，然后继续。</translation>
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
        <translation>输入</translation>
    </message>
    <message>
        <source>Normalization</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open session...</source>
        <translation>打开会话(&amp;O)...</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>NormLab sessions (*.json)</source>
        <translation>NormLab 会话 (*.json)</translation>
    </message>
    <message>
        <source>Cannot open session</source>
        <translation>无法打开会话</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>Cannot save session</source>
        <translation>无法保存会话</translation>
    </message>
    <message>
        <source>&amp;Save session</source>
        <translation>保存会话(&amp;S)</translation>
    </message>
    <message>
        <source>Save session &amp;as...</source>
        <translation>会话另存为(&amp;A)...</translation>
    </message>
    <message>
        <source>&amp;Recent sessions</source>
        <translation>最近的会话(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Recompute</source>
        <translation>重新计算(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Larger text and lines, high contrast: for a projector</source>
        <translation>更大的文字和线条、高对比度：适合投影仪</translation>
    </message>
    <message>
        <source>The stroke was painted on a result of another shape; it was dropped.</source>
        <translation>这一笔画在形状不同的结果上，已丢弃。</translation>
    </message>
    <message>
        <source>%1: the workbench takes inputs of 2 to 5 dims, this one has %2</source>
        <translation>%1：工作台接受 2 到 5 维的输入，而此输入有 %2 维</translation>
    </message>
    <message>
        <source>%1: an input of %2 is too large for the workbench</source>
        <translation>%1：形状为 %2 的输入对工作台来说太大</translation>
    </message>
    <message>
        <source>%1 opened on an input of %2 (batch reduced from %3 to keep the workbench interactive)</source>
        <translation>已在形状为 %2 的输入上打开 %1（为保持工作台流畅，批次从 %3 减小）</translation>
    </message>
    <message>
        <source>%1 opened on an input of %2</source>
        <translation>已在形状为 %2 的输入上打开 %1</translation>
    </message>
    <message>
        <source>No warnings: PyTorch would run this silently and correctly.</source>
        <translation>没有警告：PyTorch 会安静且正确地运行它。</translation>
    </message>
    <message>
        <source>backend %1 · %2 elements · compute %3 ms · redraw %4 ms</source>
        <translation>后端 %1 · %2 个元素 · 计算 %3 ms · 重绘 %4 ms</translation>
    </message>
    <message>
        <source>error: %1
(The last valid result stays on screen.)</source>
        <translation>错误：%1
（屏幕上保留上一个有效结果。）</translation>
    </message>
    <message>
        <source>NormLab — %1</source>
        <translation>NormLab — %1</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>NormLab will use %1 from its next start.</source>
        <translation>NormLab 将在下次启动时使用%1。</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;About NormLab</source>
        <translation>关于 NormLab(&amp;A)</translation>
    </message>
    <message>
        <source>About NormLab</source>
        <translation>关于 NormLab</translation>
    </message>
    <message>
        <source>&lt;b&gt;NormLab&lt;/b&gt;&lt;br&gt;A workbench for understanding and debugging normalization layers, with numbers that agree with PyTorch.</source>
        <translation>&lt;b&gt;NormLab&lt;/b&gt;&lt;br&gt;用于理解和调试归一化层的工作台，其数值与 PyTorch 一致。</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Open &amp;capture...</source>
        <translation>打开捕获(&amp;C)...</translation>
    </message>
    <message>
        <source>Open a capture (a folder written by normlab_trace.py --activations)</source>
        <translation>打开捕获（normlab_trace.py --activations 写出的文件夹）</translation>
    </message>
    <message>
        <source>Cannot open the capture</source>
        <translation>无法打开捕获</translation>
    </message>
    <message>
        <source>no such layer</source>
        <translation>没有这一层</translation>
    </message>
    <message>
        <source>%1 (%2) opened on its captured input %3</source>
        <translation>已在其捕获的输入 %3 上打开 %1（%2）</translation>
    </message>
    <message>
        <source>CUDA &amp;device</source>
        <translation>CUDA 设备(&amp;D)</translation>
    </message>
    <message>
        <source>Device %1</source>
        <translation>设备 %1</translation>
    </message>
    <message>
        <source>CUDA computes on %1</source>
        <translation>CUDA 在 %1 上计算</translation>
    </message>
    <message>
        <source>&amp;Reset the CUDA backend</source>
        <translation>重置 CUDA 后端(&amp;R)</translation>
    </message>
    <message>
        <source>The CUDA backend was reset.</source>
        <translation>已重置 CUDA 后端。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop this computation (Esc); the result on screen stays</source>
        <translation>停止此次计算（Esc）；屏幕上的结果保持不变</translation>
    </message>
    <message>
        <source>computing... %1 s</source>
        <translation>计算中... %1 秒</translation>
    </message>
    <message>
        <source>A lessons file opened before is not listed: %1</source>
        <translation>以前打开的课程文件未能列出：%1</translation>
    </message>
    <message>
        <source>Open &amp;lessons...</source>
        <translation>打开课程(&amp;L)...</translation>
    </message>
    <message>
        <source>Open lessons</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>NormLab lessons (*.json)</source>
        <translation>NormLab 课程 (*.json)</translation>
    </message>
    <message>
        <source>Cannot open the lessons</source>
        <translation>无法打开课程</translation>
    </message>
    <message>
        <source>Lesson &amp;editor...</source>
        <translation>课程编辑器(&amp;E)...</translation>
    </message>
    <message>
        <source>editor</source>
        <translation>编辑器</translation>
    </message>
    <message>
        <source>Export lesson &amp;handout (PDF)...</source>
        <translation>导出课程讲义 (PDF)(&amp;H)...</translation>
    </message>
    <message>
        <source>Export lesson handout</source>
        <translation>导出课程讲义</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot export the handout</source>
        <translation>无法导出讲义</translation>
    </message>
    <message>
        <source>Wrote %1.</source>
        <translation>已写入 %1。</translation>
    </message>
    <message>
        <source>There is no lesson to export.</source>
        <translation>没有可导出的课程。</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Answer: ______________</source>
        <translation>答案：______________</translation>
    </message>
    <message>
        <source>previous / next lesson step</source>
        <translation>上一个 / 下一个课程步骤</translation>
    </message>
    <message>
        <source>analyse the model (Debugger)</source>
        <translation>分析模型 (调试器)</translation>
    </message>
    <message>
        <source>cancel a computation that shows its progress</source>
        <translation>取消正在显示进度的计算</translation>
    </message>
    <message>
        <source>Wheel, drag, double-click</source>
        <translation>滚轮、拖动、双击</translation>
    </message>
    <message>
        <source>on a heatmap: zoom in down to single elements, pan, show the whole grid</source>
        <translation>在热图上：放大到单个元素、平移、显示整个网格</translation>
    </message>
    <message>
        <source>the dropped file</source>
        <translation>拖入的文件</translation>
    </message>
</context>
<context>
    <name>normlab::ui::NormalizationPanel</name>
    <message>
        <source>Variant</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>The module&apos;s num_features; make it differ from C to see what PyTorch does.</source>
        <translation>模块的 num_features；让它与 C 不同，看看 PyTorch 会怎样。</translation>
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
        <translation>自定义：在轴 %1 上归约（沿它共用一组均值/方差）</translation>
    </message>
    <message>
        <source>reduce axes</source>
        <translation>归约轴</translation>
    </message>
    <message>
        <source>A number; empty means None (machine epsilon; rms_norm only).</source>
        <translation>一个数；留空表示 None（机器精度；仅限 rms_norm）。</translation>
    </message>
    <message>
        <source>eps</source>
        <translation>eps</translation>
    </message>
    <message>
        <source>none (cumulative average)</source>
        <translation>None（累积平均）</translation>
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
        <translation>训练模式</translation>
    </message>
    <message>
        <source>estimate (BCN)</source>
        <translation>estimate（BCN）</translation>
    </message>
    <message>
        <source>γ = 1, β = 0 (PyTorch&apos;s start)</source>
        <translation>γ = 1，β = 0（PyTorch 的初始值）</translation>
    </message>
    <message>
        <source>random: γ ~ N(1, 0.5²), β ~ N(0, 0.5²)</source>
        <translation>随机：γ ~ N(1, 0.5²)，β ~ N(0, 0.5²)</translation>
    </message>
    <message>
        <source>from .npy files...</source>
        <translation>从 .npy 文件...</translation>
    </message>
    <message>
        <source>γ, β</source>
        <translation>γ, β</translation>
    </message>
    <message>
        <source>  seed</source>
        <translation>  种子</translation>
    </message>
    <message>
        <source>CUDA (unavailable)</source>
        <translation>CUDA（不可用）</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>invert with statistics re-estimated from y (flow bug)</source>
        <translation>用从 y 重新估计的统计量求逆（flow 错误）</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>加载 %1</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy)</source>
        <translation>NumPy 数组 (*.npy)</translation>
    </message>
    <message>
        <source>Cannot load %1</source>
        <translation>无法加载 %1</translation>
    </message>
    <message>
        <source>γ (weight)</source>
        <translation>γ（weight）</translation>
    </message>
    <message>
        <source>β (bias; cancel for none)</source>
        <translation>β（bias；取消则不用）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::OutputView</name>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>input x</source>
        <translation>输入 x</translation>
    </message>
    <message>
        <source>output y</source>
        <translation>输出 y</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>elements</source>
        <translation>元素数</translation>
    </message>
    <message>
        <source>n × C + c</source>
        <translation>n × C + c</translation>
    </message>
    <message>
        <source>histograms of x and y</source>
        <translation>x 和 y 的直方图</translation>
    </message>
    <message>
        <source>y per channel along the positions (sample 0)</source>
        <translation>沿位置的各通道 y（样本 0）</translation>
    </message>
    <message>
        <source>heatmap of y</source>
        <translation>y 的热力图</translation>
    </message>
    <message>
        <source>position (spatial dims, flattened)</source>
        <translation>位置（空间维度展平）</translation>
    </message>
    <message>
        <source>y of sample 0, one line per channel</source>
        <translation>样本 0 的 y，每个通道一条线</translation>
    </message>
    <message>
        <source>max |x − inverse(y)| = %1 (reconstruction error)</source>
        <translation>max |x − inverse(y)| = %1（重建误差）</translation>
    </message>
    <message>
        <source>The reconstruction error is in the Invertibility view.</source>
        <translation>重构误差见“可逆性”视图。</translation>
    </message>
    <message>
        <source>Summarizing y for the heatmap…</source>
        <translation>正在为热图汇总 y…</translation>
    </message>
</context>
<context>
    <name>normlab::ui::PlotView</name>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Export picture (PNG, PDF)...</source>
        <translation>导出图片（PNG、PDF）...</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>导出%1</translation>
    </message>
    <message>
        <source>Images (*.png *.pdf)</source>
        <translation>图片 (*.png *.pdf)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Export data (.npy, .csv)...</source>
        <translation>导出数据（.npy、.csv）...</translation>
    </message>
    <message>
        <source>Export %1 data</source>
        <translation>导出%1的数据</translation>
    </message>
    <message>
        <source>Data (*.npy *.csv)</source>
        <translation>数据 (*.npy *.csv)</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <source>Dots per inch (96: as on screen; 300: print)</source>
        <translation>每英寸点数（96：与屏幕相同；300：打印）</translation>
    </message>
    <message>
        <source>There is no data to export (nothing computed yet).</source>
        <translation>没有可导出的数据（尚未计算）。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Exporting the %1 data to %2...</source>
        <translation>正在将 %1 的数据导出到 %2...</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
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
        <translation>朴素公式 E[x²] − E[x]²，float32</translation>
    </message>
    <message>
        <source>naive E[x²] − E[x]², float64</source>
        <translation>朴素公式 E[x²] − E[x]²，float64</translation>
    </message>
    <message>
        <source>Welford, float32</source>
        <translation>Welford 算法，float32</translation>
    </message>
    <message>
        <source>NormLab at float32 (two-pass, float64 sums)</source>
        <translation>NormLab 的 float32（两遍法，float64 累加）</translation>
    </message>
    <message>
        <source>output: max |y(float32) − y(float64)|</source>
        <translation>输出：max |y(float32) − y(float64)|</translation>
    </message>
    <message>
        <source>relative error of the variance (output: absolute)</source>
        <translation>方差的相对误差（输出：绝对误差）</translation>
    </message>
    <message>
        <source>slice</source>
        <translation>切片</translation>
    </message>
    <message>
        <source>Set a large input mean (e.g. 10000, spread 1) to watch the naive formula fail.</source>
        <translation>把输入均值设大（例如 10000，离散度 1），就能看到朴素公式失效。</translation>
    </message>
    <message>
        <source>two-pass, float32 sums</source>
        <translation>两遍法，float32 求和</translation>
    </message>
    <message>
        <source>naive E[x²] − E[x]², float16 (emulated)</source>
        <translation>朴素 E[x²] − E[x]²，float16（模拟）</translation>
    </message>
    <message>
        <source>two-pass, bfloat16 (emulated)</source>
        <translation>两遍法，bfloat16（模拟）</translation>
    </message>
    <message>
        <source>computing the variances seven ways...</source>
        <translation>正在用七种方法计算方差...</translation>
    </message>
    <message>
        <source>not finite in %1 slices</source>
        <translation>%1 个切片中不是有限值</translation>
    </message>
    <message>
        <source>Worst relative error: naive float32 %1 (%2 negative variances), naive float64 %3 (%4 negative), two-pass float32 %5, Welford float32 %6, NormLab float32 %7, naive float16 %8, two-pass bfloat16 %9; float32 vs float64 output: max |Δy| = %10. Zero errors are drawn at 1e-17, overflows (not finite) at the top.</source>
        <translation>最大相对误差：朴素 float32 %1（%2 个负方差），朴素 float64 %3（%4 个为负），两遍法 float32 %5，Welford float32 %6，NormLab float32 %7，朴素 float16 %8，两遍法 bfloat16 %9；float32 与 float64 输出之差：max |Δy| = %10。误差为 0 时画在 1e-17 处，溢出（非有限值）画在顶部。</translation>
    </message>
</context>
<context>
    <name>normlab::ui::RunningStatsView</name>
    <message>
        <source>Running statistics</source>
        <translation>滑动平均统计量</translation>
    </message>
    <message>
        <source>Simulate</source>
        <translation>模拟</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation>训练步数</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>训练步</translation>
    </message>
    <message>
        <source>running mean</source>
        <translation>running mean（滑动平均均值）</translation>
    </message>
    <message>
        <source>running variance</source>
        <translation>running var（滑动平均方差）</translation>
    </message>
    <message>
        <source>This configuration keeps no running statistics (track_running_stats is off).</source>
        <translation>此配置不保留滑动平均统计量（track_running_stats 已关闭）。</translation>
    </message>
    <message>
        <source>simulating %1 steps...</source>
        <translation>正在模拟 %1 步……</translation>
    </message>
    <message>
        <source>%1%2 steps; population mean/variance dashed%3. After the last step, the same fresh batch normalised in train vs eval mode differs by up to %4.</source>
        <translation>%1%2 步；虚线为总体均值/方差%3。最后一步之后，同一个新批次在训练模式与评估模式下归一化的结果最多相差 %4。</translation>
    </message>
    <message>
        <source>cancelled after </source>
        <translation>已取消，完成了 </translation>
    </message>
    <message>
        <source> (not defined for this generator)</source>
        <translation>（此生成方式没有定义）</translation>
    </message>
</context>
<context>
    <name>normlab::ui::SlicesView</name>
    <message>
        <source>Slices</source>
        <translation>切片</translation>
    </message>
    <message>
        <source>position (spatial dims, flattened)</source>
        <translation>位置（空间维度展平）</translation>
    </message>
    <message>
        <source>n × C + c</source>
        <translation>n × C + c</translation>
    </message>
    <message>
        <source>inspect (hover read-out)</source>
        <translation>查看（悬停显示数值）</translation>
    </message>
    <message>
        <source>paint mask: mask out</source>
        <translation>绘制掩码：掩蔽</translation>
    </message>
    <message>
        <source>paint mask: restore</source>
        <translation>绘制掩码：恢复</translation>
    </message>
    <message>
        <source>Drag over cells to mask elements out (padding) or bring them back; each stroke is one undoable edit.</source>
        <translation>在格子上拖动以掩蔽元素（填充）或恢复它们；每一笔都是一次可撤销的编辑。</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>清除掩码</translation>
    </message>
    <message>
        <source>Mouse</source>
        <translation>鼠标</translation>
    </message>
    <message>
        <source>%1 slices share statistics; hover a cell to see its arithmetic.</source>
        <translation>%1 个切片各自共享统计量；悬停在格子上可查看它的算式。</translation>
    </message>
    <message>
        <source>element %1: x = %2, masked out (padding): it takes no part in any statistic; y = 0</source>
        <translation>元素 %1：x = %2，已被掩蔽（填充）：它不参与任何统计量；y = 0</translation>
    </message>
    <message>
        <source>element %1 in slice %2 (%3 valid elements): x = %4, μ = %5, σ² = %6, ε = %7
(x − μ)/√(σ² + ε)·γ + β = %8</source>
        <translation>元素 %1 属于切片 %2（%3 个有效元素）：x = %4，μ = %5，σ² = %6，ε = %7
(x − μ)/√(σ² + ε)·γ + β = %8</translation>
    </message>
</context>
<context>
    <name>normlab::ui::StatisticsView</name>
    <message>
        <source>Statistics</source>
        <translation>统计量</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>variance (biased)</source>
        <translation>方差（有偏）</translation>
    </message>
    <message>
        <source>slice</source>
        <translation>切片</translation>
    </message>
    <message>
        <source>variance</source>
        <translation>方差</translation>
    </message>
    <message>
        <source>statistics grid row</source>
        <translation>统计量网格的行</translation>
    </message>
    <message>
        <source>bars: mean and variance per slice</source>
        <translation>柱状图：每个切片的均值和方差</translation>
    </message>
    <message>
        <source>heatmap: mean</source>
        <translation>热力图：均值</translation>
    </message>
    <message>
        <source>heatmap: variance</source>
        <translation>热力图：方差</translation>
    </message>
    <message>
        <source>heatmap: valid count</source>
        <translation>热力图：有效元素数</translation>
    </message>
    <message>
        <source>last axis of the statistics grid</source>
        <translation>统计量网格的最后一轴</translation>
    </message>
    <message>
        <source>%1 slices; statistics shape %2</source>
        <translation>%1 个切片；统计量形状 %2</translation>
    </message>
    <message>
        <source>slice %1: mean %2, variance %3, %4 valid elements</source>
        <translation>切片 %1：均值 %2，方差 %3，%4 个有效元素</translation>
    </message>
</context>
<context>
    <name>normlab::ui::TraceDialog</name>
    <message>
        <source>Trace with Python</source>
        <translation>用 Python 追踪</translation>
    </message>
    <message>
        <source>my_model.py</source>
        <translation>my_model.py</translation>
    </message>
    <message>
        <source>The function in the file that returns the model, or (model, args) or (model, args, kwargs)</source>
        <translation>文件中返回模型或 (model, args)、(model, args, kwargs) 的函数</translation>
    </message>
    <message>
        <source>One shape per positional argument, separated by &apos;;&apos;, each [dtype:]DIMS: 2,16000; long:2</source>
        <translation>每个位置参数一个形状，用 ';' 分隔，每个形状为 [dtype:]DIMS：2,16000; long:2</translation>
    </message>
    <message>
        <source>or input files (.npy, .pt), separated by &apos;;&apos;</source>
        <translation>或输入文件（.npy、.pt），用 ';' 分隔</translation>
    </message>
    <message>
        <source>Also capture activations (the Capture dock opens them)</source>
        <translation>同时捕获激活值（在捕获停靠窗口中打开）</translation>
    </message>
    <message>
        <source>Generated data (normal) when no input files are given</source>
        <translation>没有输入文件时使用生成的数据（正态分布）</translation>
    </message>
    <message>
        <source>Model file:</source>
        <translation>模型文件：</translation>
    </message>
    <message>
        <source>The model&apos;s Python file</source>
        <translation>模型的 Python 文件</translation>
    </message>
    <message>
        <source>Python (*.py)</source>
        <translation>Python (*.py)</translation>
    </message>
    <message>
        <source>Function:</source>
        <translation>函数：</translation>
    </message>
    <message>
        <source>Input shapes:</source>
        <translation>输入形状：</translation>
    </message>
    <message>
        <source>Input files:</source>
        <translation>输入文件：</translation>
    </message>
    <message>
        <source>Input tensors</source>
        <translation>输入张量</translation>
    </message>
    <message>
        <source>Arrays (*.npy *.pt *.pth)</source>
        <translation>数组 (*.npy *.pt *.pth)</translation>
    </message>
    <message>
        <source>Python:</source>
        <translation>Python：</translation>
    </message>
    <message>
        <source>A Python with PyTorch</source>
        <translation>装有 PyTorch 的 Python</translation>
    </message>
    <message>
        <source>Trace</source>
        <translation>追踪</translation>
    </message>
</context>
<context>
    <name>normlab::ui::TraceRunner</name>
    <message>
        <source>Cannot start %1: %2. %3</source>
        <translation>无法启动 %1：%2。%3</translation>
    </message>
    <message>
        <source>Tracing needs Python 3 with PyTorch 1.13 or later: on Debian, apt-get install python3-torch (or pip install torch), then choose that python3 here.</source>
        <translation>追踪需要装有 PyTorch 1.13 或更高版本的 Python 3：在 Debian 上运行 apt-get install python3-torch（或 pip install torch），然后在这里选择那个 python3。</translation>
    </message>
    <message>
        <source>A trace is already running.</source>
        <translation>已有追踪在运行。</translation>
    </message>
    <message>
        <source>No Python interpreter%1. %2</source>
        <translation>没有 Python 解释器%1。%2</translation>
    </message>
    <message>
        <source>The model file %1 does not exist.</source>
        <translation>模型文件 %1 不存在。</translation>
    </message>
    <message>
        <source>Give the input shapes (e.g. 2,3,224,224) or the input files.</source>
        <translation>请给出输入形状（例如 2,3,224,224）或输入文件。</translation>
    </message>
    <message>
        <source>Capturing activations records your data&apos;s statistics: give input files, or choose generated data.</source>
        <translation>捕获激活值会记录您数据的统计量：请给出输入文件，或选择生成的数据。</translation>
    </message>
    <message>
        <source>Cannot make the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Cannot write the trace script into %1.</source>
        <translation>无法将追踪脚本写入 %1。</translation>
    </message>
    <message>
        <source>The trace did not finish (exit %1):
%2%3</source>
        <translation>追踪没有完成（退出码 %1）：
%2%3</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>崩溃</translation>
    </message>
</context>
</TS>
