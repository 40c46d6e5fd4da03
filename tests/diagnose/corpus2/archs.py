"""Architectures written here from their papers (and the reference code's module layout),
at small widths, for corpus2. Each class builds one model; make_corpus2.py says what it is fed.

Every class whose name contains "Norm" is a normalization layer for the corpus (as the
debugger counts them); each such custom class says which dims of its input its check reads
in `norm_check` ("channel": dim 1 and the rank, "trailing:K": the last K dims).
"""
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


# --------------------------------------------------------------------------------------
# HRNet (Wang et al. 2019): multi-resolution branches, repeated fusion
# --------------------------------------------------------------------------------------
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes, momentum=0.1)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, momentum=0.1)
        self.downsample = downsample

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        return self.relu(out + residual)


class HRBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        residual = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + residual)


class HighResolutionModule(nn.Module):
    def __init__(self, num_branches, block, num_blocks, num_inchannels, num_channels):
        super().__init__()
        self.num_branches = num_branches
        self.num_inchannels = list(num_inchannels)
        self.branches = nn.ModuleList(
            [self._make_one_branch(i, block, num_blocks, num_channels) for i in range(num_branches)])
        self.fuse_layers = self._make_fuse_layers()
        self.relu = nn.ReLU(False)

    def _make_one_branch(self, i, block, num_blocks, num_channels):
        layers = [block(self.num_inchannels[i], num_channels[i]) for _ in range(num_blocks[i])]
        self.num_inchannels[i] = num_channels[i] * block.expansion
        return nn.Sequential(*layers)

    def _make_fuse_layers(self):
        c = self.num_inchannels
        fuse_layers = []
        for i in range(self.num_branches):
            fuse_layer = []
            for j in range(self.num_branches):
                if j > i:
                    fuse_layer.append(nn.Sequential(
                        nn.Conv2d(c[j], c[i], 1, 1, 0, bias=False),
                        nn.BatchNorm2d(c[i]),
                        nn.Upsample(scale_factor=2 ** (j - i), mode="nearest")))
                elif j == i:
                    fuse_layer.append(None)
                else:
                    convs = []
                    for k in range(i - j):
                        if k == i - j - 1:
                            convs.append(nn.Sequential(
                                nn.Conv2d(c[j], c[i], 3, 2, 1, bias=False), nn.BatchNorm2d(c[i])))
                        else:
                            convs.append(nn.Sequential(
                                nn.Conv2d(c[j], c[j], 3, 2, 1, bias=False), nn.BatchNorm2d(c[j]),
                                nn.ReLU(False)))
                    fuse_layer.append(nn.Sequential(*convs))
            fuse_layers.append(nn.ModuleList(fuse_layer))
        return nn.ModuleList(fuse_layers)

    def forward(self, x):
        x = list(x)
        for i in range(self.num_branches):
            x[i] = self.branches[i](x[i])
        x_fuse = []
        for i in range(len(self.fuse_layers)):
            y = x[0] if i == 0 else self.fuse_layers[i][0](x[0])
            for j in range(1, self.num_branches):
                y = y + (x[j] if i == j else self.fuse_layers[i][j](x[j]))
            x_fuse.append(self.relu(y))
        return x_fuse


class HRNetSmall(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 32, 3, 2, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu = nn.ReLU(inplace=True)
        down = nn.Sequential(nn.Conv2d(32, 64, 1, bias=False), nn.BatchNorm2d(64))
        self.layer1 = nn.Sequential(HRBottleneck(32, 16, downsample=down), HRBottleneck(64, 16))
        self.transition1 = nn.ModuleList([
            nn.Sequential(nn.Conv2d(64, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True)),
            nn.Sequential(nn.Sequential(nn.Conv2d(64, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32),
                                        nn.ReLU(inplace=True)))])
        self.stage2 = nn.Sequential(HighResolutionModule(2, BasicBlock, [2, 2], [16, 32], [16, 32]))
        self.transition2 = nn.ModuleList([
            None, None,
            nn.Sequential(nn.Sequential(nn.Conv2d(32, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64),
                                        nn.ReLU(inplace=True)))])
        self.stage3 = nn.Sequential(HighResolutionModule(3, BasicBlock, [1, 1, 1], [16, 32, 64], [16, 32, 64]))
        self.last_layer = nn.Sequential(
            nn.Conv2d(112, 112, 1), nn.BatchNorm2d(112), nn.ReLU(inplace=True), nn.Conv2d(112, num_classes, 1))

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.layer1(x)
        xs = [t(x) for t in self.transition1]
        ys = self.stage2(xs)
        xs = [ys[0], ys[1], self.transition2[2](ys[-1])]
        ys = self.stage3(xs)
        h, w = ys[0].shape[2:]
        feats = [ys[0]] + [F.interpolate(y, size=(h, w), mode="bilinear", align_corners=False) for y in ys[1:]]
        return self.last_layer(torch.cat(feats, 1))


# --------------------------------------------------------------------------------------
# U-Net++ (Zhou et al. 2018): nested, dense skip pathways
# --------------------------------------------------------------------------------------
class VGGBlock(nn.Module):
    def __init__(self, in_channels, middle_channels, out_channels):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(in_channels, middle_channels, 3, padding=1), nn.BatchNorm2d(middle_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(middle_channels, out_channels, 3, padding=1), nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True))

    def forward(self, x):
        return self.block(x)


class NestedUNet(nn.Module):
    def __init__(self, num_classes=2, input_channels=3):
        super().__init__()
        nb = [16, 32, 64, 128]
        self.pool = nn.MaxPool2d(2, 2)
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        self.conv0_0 = VGGBlock(input_channels, nb[0], nb[0])
        self.conv1_0 = VGGBlock(nb[0], nb[1], nb[1])
        self.conv2_0 = VGGBlock(nb[1], nb[2], nb[2])
        self.conv3_0 = VGGBlock(nb[2], nb[3], nb[3])
        self.conv0_1 = VGGBlock(nb[0] + nb[1], nb[0], nb[0])
        self.conv1_1 = VGGBlock(nb[1] + nb[2], nb[1], nb[1])
        self.conv2_1 = VGGBlock(nb[2] + nb[3], nb[2], nb[2])
        self.conv0_2 = VGGBlock(nb[0] * 2 + nb[1], nb[0], nb[0])
        self.conv1_2 = VGGBlock(nb[1] * 2 + nb[2], nb[1], nb[1])
        self.conv0_3 = VGGBlock(nb[0] * 3 + nb[1], nb[0], nb[0])
        self.final = nn.ModuleList([nn.Conv2d(nb[0], num_classes, 1) for _ in range(3)])

    def forward(self, x):
        x0_0 = self.conv0_0(x)
        x1_0 = self.conv1_0(self.pool(x0_0))
        x0_1 = self.conv0_1(torch.cat([x0_0, self.up(x1_0)], 1))
        x2_0 = self.conv2_0(self.pool(x1_0))
        x1_1 = self.conv1_1(torch.cat([x1_0, self.up(x2_0)], 1))
        x0_2 = self.conv0_2(torch.cat([x0_0, x0_1, self.up(x1_1)], 1))
        x3_0 = self.conv3_0(self.pool(x2_0))
        x2_1 = self.conv2_1(torch.cat([x2_0, self.up(x3_0)], 1))
        x1_2 = self.conv1_2(torch.cat([x1_0, x1_1, self.up(x2_1)], 1))
        x0_3 = self.conv0_3(torch.cat([x0_0, x0_1, x0_2, self.up(x1_2)], 1))
        return [f(t) for f, t in zip(self.final, (x0_1, x0_2, x0_3))]


# --------------------------------------------------------------------------------------
# YOLOv5-style detector: CSP backbone, SPPF, PAN neck; one nn.Sequential routed by `f`
# (as in YOLOv5's DetectionModel: the Sequential is NOT run in printed order)
# --------------------------------------------------------------------------------------
def autopad(k, p=None):
    return k // 2 if p is None else p


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, p=None, g=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, autopad(k, p), groups=g, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=0.001, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class YoloBottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True, e=1.0):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c_, c2, 3, 1)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        return x + self.cv2(self.cv1(x)) if self.add else self.cv2(self.cv1(x))


class C3(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True, e=0.5):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c1, c_, 1, 1)
        self.cv3 = Conv(2 * c_, c2, 1)
        self.m = nn.Sequential(*(YoloBottleneck(c_, c_, shortcut, e=1.0) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c_ * 4, c2, 1, 1)
        self.m = nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class Concat(nn.Module):
    def __init__(self, dimension=1):
        super().__init__()
        self.d = dimension

    def forward(self, x):
        return torch.cat(x, self.d)


class Detect(nn.Module):
    def __init__(self, nc=4, ch=(), na=3):
        super().__init__()
        self.no = nc + 5
        self.na = na
        self.m = nn.ModuleList(nn.Conv2d(x, self.no * self.na, 1) for x in ch)

    def forward(self, x):
        out = []
        for i, m in enumerate(self.m):
            y = m(x[i])
            bs, _, ny, nx = y.shape
            out.append(y.view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2).contiguous())
        return out


class YoloPAN(nn.Module):
    def __init__(self, nc=4):
        super().__init__()
        spec = [  # (from, module)
            (-1, Conv(3, 16, 6, 2, 2)), (-1, Conv(16, 32, 3, 2)), (-1, C3(32, 32, 1)),
            (-1, Conv(32, 64, 3, 2)), (-1, C3(64, 64, 2)), (-1, Conv(64, 128, 3, 2)),
            (-1, C3(128, 128, 1)), (-1, SPPF(128, 128, 5)),
            (-1, Conv(128, 64, 1, 1)), (-1, nn.Upsample(None, 2, "nearest")), ([-1, 4], Concat(1)),
            (-1, C3(128, 64, 1, False)),
            (-1, Conv(64, 32, 1, 1)), (-1, nn.Upsample(None, 2, "nearest")), ([-1, 2], Concat(1)),
            (-1, C3(64, 32, 1, False)),
            (-1, Conv(32, 32, 3, 2)), ([-1, 12], Concat(1)), (-1, C3(64, 64, 1, False)),
            (-1, Conv(64, 64, 3, 2)), ([-1, 8], Concat(1)), (-1, C3(128, 128, 1, False)),
            ([15, 18, 21], Detect(nc, (32, 64, 128))),
        ]
        layers = []
        self.save = []
        for i, (f, m) in enumerate(spec):
            m.i, m.f = i, f
            layers.append(m)
            self.save.extend(x % i for x in ([f] if isinstance(f, int) else f) if x != -1)
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        y = []
        for m in self.model:
            if m.f != -1:
                x = y[m.f] if isinstance(m.f, int) else [x if j == -1 else y[j] for j in m.f]
            x = m(x)
            y.append(x if m.i in self.save else None)
        return x


# --------------------------------------------------------------------------------------
# DiT (Peebles & Xie 2023): transformer blocks with adaLN-Zero conditioning
# --------------------------------------------------------------------------------------
def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features, act_layer=nn.GELU):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.drop1 = nn.Dropout(0.0)
        self.fc2 = nn.Linear(hidden_features, in_features)
        self.drop2 = nn.Dropout(0.0)

    def forward(self, x):
        return self.drop2(self.fc2(self.drop1(self.act(self.fc1(x)))))


class Attention(nn.Module):
    def __init__(self, dim, num_heads=4, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(0.0)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(0.0)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = self.attn_drop((q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1))
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj_drop(self.proj(x))


class DiTPatchEmbed(nn.Module):
    def __init__(self, patch_size=2, in_chans=4, embed_dim=64):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, patch_size, patch_size)
        self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.proj(x).flatten(2).transpose(1, 2))


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden_size, frequency_embedding_size=256):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(frequency_embedding_size, hidden_size, bias=True), nn.SiLU(),
                                 nn.Linear(hidden_size, hidden_size, bias=True))
        self.frequency_embedding_size = frequency_embedding_size

    def forward(self, t):
        half = self.frequency_embedding_size // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        return self.mlp(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, hidden_size):
        super().__init__()
        self.embedding_table = nn.Embedding(num_classes + 1, hidden_size)

    def forward(self, labels):
        return self.embedding_table(labels)


class DiTBlock(nn.Module):
    def __init__(self, hidden_size, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(hidden_size, num_heads=num_heads, qkv_bias=True)
        self.norm2 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.mlp = Mlp(hidden_size, int(hidden_size * mlp_ratio), act_layer=lambda: nn.GELU(approximate="tanh"))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 6 * hidden_size, bias=True))

    def forward(self, x, c):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
        return x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))


class FinalLayer(nn.Module):
    def __init__(self, hidden_size, patch_size, out_channels):
        super().__init__()
        self.norm_final = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(hidden_size, patch_size * patch_size * out_channels, bias=True)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 2 * hidden_size, bias=True))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


class DiT(nn.Module):
    def __init__(self, input_size=16, patch_size=2, in_channels=4, hidden_size=64, depth=3, num_heads=4,
                 num_classes=10):
        super().__init__()
        self.out_channels = in_channels * 2
        self.patch_size = patch_size
        self.x_embedder = DiTPatchEmbed(patch_size, in_channels, hidden_size)
        self.t_embedder = TimestepEmbedder(hidden_size)
        self.y_embedder = LabelEmbedder(num_classes, hidden_size)
        num_patches = (input_size // patch_size) ** 2
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches, hidden_size), requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(hidden_size, num_heads) for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, self.out_channels)

    def unpatchify(self, x):
        c, p = self.out_channels, self.patch_size
        h = w = int(x.shape[1] ** 0.5)
        x = x.reshape(x.shape[0], h, w, p, p, c)
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(x.shape[0], c, h * p, h * p)

    def forward(self, x, t, y):
        x = self.x_embedder(x) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y)
        for block in self.blocks:
            x = block(x, c)
        return self.unpatchify(self.final_layer(x, c))


# --------------------------------------------------------------------------------------
# MAE (He et al. 2022): ViT encoder on visible patches, light decoder
# --------------------------------------------------------------------------------------
class PatchEmbed(nn.Module):
    def __init__(self, img_size=32, patch_size=4, in_chans=3, embed_dim=64):
        super().__init__()
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, patch_size, patch_size)
        self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.proj(x).flatten(2).transpose(1, 2))


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads=num_heads)
        self.ls1 = nn.Identity()
        self.drop_path1 = nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.ls2 = nn.Identity()
        self.drop_path2 = nn.Identity()

    def forward(self, x):
        x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class MaskedAutoencoderViT(nn.Module):
    def __init__(self, img_size=32, patch_size=4, in_chans=3, embed_dim=64, depth=2, num_heads=4,
                 decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4):
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        n = self.patch_embed.num_patches
        self.patch_size = patch_size
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, embed_dim), requires_grad=False)
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.decoder_embed = nn.Linear(embed_dim, decoder_embed_dim, bias=True)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dim))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, n + 1, decoder_embed_dim), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(decoder_embed_dim, decoder_num_heads) for _ in range(decoder_depth)])
        self.decoder_norm = nn.LayerNorm(decoder_embed_dim, eps=1e-6)
        self.decoder_pred = nn.Linear(decoder_embed_dim, patch_size ** 2 * in_chans, bias=True)

    def random_masking(self, x, mask_ratio):
        N, L, D = x.shape
        len_keep = int(L * (1 - mask_ratio))
        noise = torch.rand(N, L)
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :len_keep]
        x_masked = torch.gather(x, 1, ids_keep.unsqueeze(-1).repeat(1, 1, D))
        mask = torch.ones([N, L])
        mask[:, :len_keep] = 0
        return x_masked, torch.gather(mask, 1, ids_restore), ids_restore

    def forward(self, imgs, mask_ratio=0.75):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        x, mask, ids_restore = self.random_masking(x, mask_ratio)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1)
        for blk in self.blocks:
            x = blk(x)
        x = self.decoder_embed(self.norm(x))
        mask_tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1) + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:, :]
        return pred, mask


# --------------------------------------------------------------------------------------
# ESRGAN (Wang et al. 2018): RRDB generator (no BN) + VGG-style discriminator with BN
# --------------------------------------------------------------------------------------
class ResidualDenseBlock_5C(nn.Module):
    def __init__(self, nf=32, gc=16):
        super().__init__()
        self.conv1 = nn.Conv2d(nf, gc, 3, 1, 1)
        self.conv2 = nn.Conv2d(nf + gc, gc, 3, 1, 1)
        self.conv3 = nn.Conv2d(nf + 2 * gc, gc, 3, 1, 1)
        self.conv4 = nn.Conv2d(nf + 3 * gc, gc, 3, 1, 1)
        self.conv5 = nn.Conv2d(nf + 4 * gc, nf, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        x1 = self.lrelu(self.conv1(x))
        x2 = self.lrelu(self.conv2(torch.cat((x, x1), 1)))
        x3 = self.lrelu(self.conv3(torch.cat((x, x1, x2), 1)))
        x4 = self.lrelu(self.conv4(torch.cat((x, x1, x2, x3), 1)))
        x5 = self.conv5(torch.cat((x, x1, x2, x3, x4), 1))
        return x5 * 0.2 + x


class RRDB(nn.Module):
    def __init__(self, nf, gc=16):
        super().__init__()
        self.RDB1 = ResidualDenseBlock_5C(nf, gc)
        self.RDB2 = ResidualDenseBlock_5C(nf, gc)
        self.RDB3 = ResidualDenseBlock_5C(nf, gc)

    def forward(self, x):
        return self.RDB3(self.RDB2(self.RDB1(x))) * 0.2 + x


class RRDBNet(nn.Module):
    def __init__(self, in_nc=3, out_nc=3, nf=32, nb=2, gc=16):
        super().__init__()
        self.conv_first = nn.Conv2d(in_nc, nf, 3, 1, 1, bias=True)
        self.RRDB_trunk = nn.Sequential(*[RRDB(nf, gc) for _ in range(nb)])
        self.trunk_conv = nn.Conv2d(nf, nf, 3, 1, 1, bias=True)
        self.upconv1 = nn.Conv2d(nf, nf, 3, 1, 1, bias=True)
        self.upconv2 = nn.Conv2d(nf, nf, 3, 1, 1, bias=True)
        self.HRconv = nn.Conv2d(nf, nf, 3, 1, 1, bias=True)
        self.conv_last = nn.Conv2d(nf, out_nc, 3, 1, 1, bias=True)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        fea = self.conv_first(x)
        fea = fea + self.trunk_conv(self.RRDB_trunk(fea))
        fea = self.lrelu(self.upconv1(F.interpolate(fea, scale_factor=2, mode="nearest")))
        fea = self.lrelu(self.upconv2(F.interpolate(fea, scale_factor=2, mode="nearest")))
        return self.conv_last(self.lrelu(self.HRconv(fea)))


class DBlock(nn.Module):
    def __init__(self, in_nc, out_nc):
        super().__init__()
        self.conv0 = nn.Conv2d(in_nc, out_nc, 3, 1, 1, bias=False)
        self.bn0 = nn.BatchNorm2d(out_nc, affine=True)
        self.conv1 = nn.Conv2d(out_nc, out_nc, 4, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_nc, affine=True)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        x = self.lrelu(self.bn0(self.conv0(x)))
        return self.lrelu(self.bn1(self.conv1(x)))


class Discriminator_VGG(nn.Module):
    def __init__(self, in_nc=3, nf=16, size=64):
        super().__init__()
        self.conv0_0 = nn.Conv2d(in_nc, nf, 3, 1, 1, bias=True)
        self.conv0_1 = nn.Conv2d(nf, nf, 4, 2, 1, bias=False)
        self.bn0_1 = nn.BatchNorm2d(nf, affine=True)
        self.features = nn.Sequential(DBlock(nf, nf * 2), DBlock(nf * 2, nf * 4), DBlock(nf * 4, nf * 8),
                                      DBlock(nf * 8, nf * 8))
        s = size // 32
        self.linear1 = nn.Linear(nf * 8 * s * s, 100)
        self.linear2 = nn.Linear(100, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        fea = self.lrelu(self.conv0_0(x))
        fea = self.lrelu(self.bn0_1(self.conv0_1(fea)))
        fea = self.features(fea)
        fea = self.lrelu(self.linear1(fea.view(fea.size(0), -1)))
        return self.linear2(fea)


class ESRGAN(nn.Module):
    def __init__(self):
        super().__init__()
        self.netG = RRDBNet(3, 3, nf=32, nb=2, gc=16)
        self.netD = Discriminator_VGG(3, nf=16, size=64)

    def forward(self, lr):
        sr = self.netG(lr)
        return sr, self.netD(sr)


# --------------------------------------------------------------------------------------
# VQ-VAE (van den Oord et al. 2017) with the taming-transformers encoder/decoder layout
# --------------------------------------------------------------------------------------
def Normalize(in_channels):
    return nn.GroupNorm(num_groups=8, num_channels=in_channels, eps=1e-6, affine=True)


def swish(x):
    return x * torch.sigmoid(x)


class ResnetBlock(nn.Module):
    def __init__(self, in_channels, out_channels=None, dropout=0.0):
        super().__init__()
        out_channels = in_channels if out_channels is None else out_channels
        self.in_channels, self.out_channels = in_channels, out_channels
        self.norm1 = Normalize(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.norm2 = Normalize(out_channels)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        if in_channels != out_channels:
            self.nin_shortcut = nn.Conv2d(in_channels, out_channels, 1, 1, 0)

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(self.dropout(swish(self.norm2(h))))
        if self.in_channels != self.out_channels:
            x = self.nin_shortcut(x)
        return x + h


class AttnBlock(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.norm = Normalize(in_channels)
        self.q = nn.Conv2d(in_channels, in_channels, 1)
        self.k = nn.Conv2d(in_channels, in_channels, 1)
        self.v = nn.Conv2d(in_channels, in_channels, 1)
        self.proj_out = nn.Conv2d(in_channels, in_channels, 1)

    def forward(self, x):
        h_ = self.norm(x)
        q, k, v = self.q(h_), self.k(h_), self.v(h_)
        b, c, h, w = q.shape
        q = q.reshape(b, c, h * w).permute(0, 2, 1)
        w_ = torch.bmm(q, k.reshape(b, c, h * w)) * (int(c) ** (-0.5))
        w_ = F.softmax(w_, dim=2).permute(0, 2, 1)
        h_ = torch.bmm(v.reshape(b, c, h * w), w_).reshape(b, c, h, w)
        return x + self.proj_out(h_)


class Downsample(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, in_channels, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0))


class Upsample(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, in_channels, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Encoder(nn.Module):
    def __init__(self, ch=32, ch_mult=(1, 2), num_res_blocks=1, attn_resolutions=(16,), in_channels=3,
                 resolution=32, z_channels=16):
        super().__init__()
        self.num_resolutions = len(ch_mult)
        self.num_res_blocks = num_res_blocks
        self.conv_in = nn.Conv2d(in_channels, ch, 3, 1, 1)
        curr_res = resolution
        in_ch_mult = (1,) + tuple(ch_mult)
        self.down = nn.ModuleList()
        for i_level in range(self.num_resolutions):
            block, attn = nn.ModuleList(), nn.ModuleList()
            block_in, block_out = ch * in_ch_mult[i_level], ch * ch_mult[i_level]
            for _ in range(num_res_blocks):
                block.append(ResnetBlock(block_in, block_out))
                block_in = block_out
                if curr_res in attn_resolutions:
                    attn.append(AttnBlock(block_in))
            down = nn.Module()
            down.block, down.attn = block, attn
            if i_level != self.num_resolutions - 1:
                down.downsample = Downsample(block_in)
                curr_res //= 2
            self.down.append(down)
        self.mid = nn.Module()
        self.mid.block_1 = ResnetBlock(block_in, block_in)
        self.mid.attn_1 = AttnBlock(block_in)
        self.mid.block_2 = ResnetBlock(block_in, block_in)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, z_channels, 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for i_level in range(self.num_resolutions):
            for i_block in range(self.num_res_blocks):
                h = self.down[i_level].block[i_block](h)
                if len(self.down[i_level].attn) > 0:
                    h = self.down[i_level].attn[i_block](h)
            if i_level != self.num_resolutions - 1:
                h = self.down[i_level].downsample(h)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        return self.conv_out(swish(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, ch=32, out_ch=3, ch_mult=(1, 2), num_res_blocks=1, attn_resolutions=(16,),
                 resolution=32, z_channels=16):
        super().__init__()
        self.num_resolutions = len(ch_mult)
        self.num_res_blocks = num_res_blocks
        block_in = ch * ch_mult[-1]
        curr_res = resolution // 2 ** (self.num_resolutions - 1)
        self.conv_in = nn.Conv2d(z_channels, block_in, 3, 1, 1)
        self.mid = nn.Module()
        self.mid.block_1 = ResnetBlock(block_in, block_in)
        self.mid.attn_1 = AttnBlock(block_in)
        self.mid.block_2 = ResnetBlock(block_in, block_in)
        self.up = nn.ModuleList()
        for i_level in reversed(range(self.num_resolutions)):
            block, attn = nn.ModuleList(), nn.ModuleList()
            block_out = ch * ch_mult[i_level]
            for _ in range(num_res_blocks + 1):
                block.append(ResnetBlock(block_in, block_out))
                block_in = block_out
                if curr_res in attn_resolutions:
                    attn.append(AttnBlock(block_in))
            up = nn.Module()
            up.block, up.attn = block, attn
            if i_level != 0:
                up.upsample = Upsample(block_in)
                curr_res *= 2
            self.up.insert(0, up)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, out_ch, 3, 1, 1)

    def forward(self, z):
        h = self.conv_in(z)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        for i_level in reversed(range(self.num_resolutions)):
            for i_block in range(self.num_res_blocks + 1):
                h = self.up[i_level].block[i_block](h)
                if len(self.up[i_level].attn) > 0:
                    h = self.up[i_level].attn[i_block](h)
            if i_level != 0:
                h = self.up[i_level].upsample(h)
        return self.conv_out(swish(self.norm_out(h)))


class VectorQuantizer(nn.Module):
    def __init__(self, n_e=64, e_dim=16, beta=0.25):
        super().__init__()
        self.n_e, self.e_dim, self.beta = n_e, e_dim, beta
        self.embedding = nn.Embedding(n_e, e_dim)

    def forward(self, z):
        z = z.permute(0, 2, 3, 1).contiguous()
        zf = z.view(-1, self.e_dim)
        d = (zf ** 2).sum(1, keepdim=True) + (self.embedding.weight ** 2).sum(1) - 2 * zf @ self.embedding.weight.t()
        z_q = self.embedding(torch.argmin(d, dim=1)).view(z.shape)
        loss = self.beta * ((z_q.detach() - z) ** 2).mean() + ((z_q - z.detach()) ** 2).mean()
        z_q = z + (z_q - z).detach()
        return z_q.permute(0, 3, 1, 2).contiguous(), loss


class VQModel(nn.Module):
    def __init__(self, embed_dim=16, n_embed=64):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.quantize = VectorQuantizer(n_embed, embed_dim)
        self.quant_conv = nn.Conv2d(16, embed_dim, 1)
        self.post_quant_conv = nn.Conv2d(embed_dim, 16, 1)

    def forward(self, x):
        quant, diff = self.quantize(self.quant_conv(self.encoder(x)))
        return self.decoder(self.post_quant_conv(quant)), diff


# --------------------------------------------------------------------------------------
# BigGAN (Brock et al. 2019): residual G blocks with class-conditional BatchNorm
# --------------------------------------------------------------------------------------
class ConditionalBatchNorm2d(nn.Module):
    norm_check = "channel"

    def __init__(self, num_features, cond_dim):
        super().__init__()
        self.bn = nn.BatchNorm2d(num_features, affine=False, eps=1e-5, momentum=0.1)
        self.gain = nn.Linear(cond_dim, num_features, bias=False)
        self.bias = nn.Linear(cond_dim, num_features, bias=False)

    def forward(self, x, y):
        gain = (1 + self.gain(y)).view(y.size(0), -1, 1, 1)
        bias = self.bias(y).view(y.size(0), -1, 1, 1)
        return self.bn(x) * gain + bias


class GBlock(nn.Module):
    def __init__(self, in_channels, out_channels, cond_dim):
        super().__init__()
        self.bn1 = ConditionalBatchNorm2d(in_channels, cond_dim)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.bn2 = ConditionalBatchNorm2d(out_channels, cond_dim)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        self.conv_sc = nn.Conv2d(in_channels, out_channels, 1, 1, 0)
        self.activation = nn.ReLU(inplace=False)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, x, y):
        h = self.upsample(self.activation(self.bn1(x, y)))
        h = self.conv1(h)
        h = self.conv2(self.activation(self.bn2(h, y)))
        return h + self.conv_sc(self.upsample(x))


class BigGANGenerator(nn.Module):
    def __init__(self, dim_z=32, ch=16, n_classes=10, shared_dim=32):
        super().__init__()
        arch = [8 * ch, 4 * ch, 2 * ch, ch]
        self.num_slots = len(arch)
        self.z_chunk_size = dim_z // self.num_slots
        cond_dim = shared_dim + self.z_chunk_size
        self.shared = nn.Embedding(n_classes, shared_dim)
        self.linear = nn.Linear(self.z_chunk_size, arch[0] * 4 * 4)
        self.blocks = nn.ModuleList([GBlock(arch[i], arch[i + 1], cond_dim) for i in range(len(arch) - 1)])
        self.output_layer = nn.Sequential(nn.BatchNorm2d(arch[-1]), nn.ReLU(inplace=False),
                                          nn.Conv2d(arch[-1], 3, 3, 1, 1))

    def forward(self, z, y):
        zs = torch.split(z, self.z_chunk_size, 1)
        shared = self.shared(y)
        ys = [torch.cat([shared, item], 1) for item in zs[1:]]
        h = self.linear(zs[0]).view(z.size(0), -1, 4, 4)
        for block, yy in zip(self.blocks, ys):
            h = block(h, yy)
        return torch.tanh(self.output_layer(h))


# --------------------------------------------------------------------------------------
# NAFNet (Chen et al. 2022): LayerNorm2d (a custom module that permutes), SimpleGate, SCA
# --------------------------------------------------------------------------------------
class LayerNorm2d(nn.Module):
    norm_check = "channel"

    def __init__(self, channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def extra_repr(self):
        return f"{self.weight.shape[0]}, eps={self.eps}"

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, (self.weight.shape[0],), self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class SimpleGate(nn.Module):
    def forward(self, x):
        x1, x2 = x.chunk(2, dim=1)
        return x1 * x2


class NAFBlock(nn.Module):
    def __init__(self, c, DW_Expand=2, FFN_Expand=2):
        super().__init__()
        dw = c * DW_Expand
        self.conv1 = nn.Conv2d(c, dw, 1, 1, 0, bias=True)
        self.conv2 = nn.Conv2d(dw, dw, 3, 1, 1, groups=dw, bias=True)
        self.conv3 = nn.Conv2d(dw // 2, c, 1, 1, 0, bias=True)
        self.sca = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(dw // 2, dw // 2, 1, 1, 0, bias=True))
        self.sg = SimpleGate()
        ffn = FFN_Expand * c
        self.conv4 = nn.Conv2d(c, ffn, 1, 1, 0, bias=True)
        self.conv5 = nn.Conv2d(ffn // 2, c, 1, 1, 0, bias=True)
        self.norm1 = LayerNorm2d(c)
        self.norm2 = LayerNorm2d(c)
        self.dropout1 = nn.Identity()
        self.dropout2 = nn.Identity()
        self.beta = nn.Parameter(torch.zeros((1, c, 1, 1)))
        self.gamma = nn.Parameter(torch.zeros((1, c, 1, 1)))

    def forward(self, inp):
        x = self.sg(self.conv2(self.conv1(self.norm1(inp))))
        x = self.conv3(x * self.sca(x))
        y = inp + self.dropout1(x) * self.beta
        x = self.conv5(self.sg(self.conv4(self.norm2(y))))
        return y + self.dropout2(x) * self.gamma


class NAFNet(nn.Module):
    def __init__(self, img_channel=3, width=16, middle_blk_num=1, enc_blk_nums=(1, 1), dec_blk_nums=(1, 1)):
        super().__init__()
        self.intro = nn.Conv2d(img_channel, width, 3, 1, 1, bias=True)
        self.ending = nn.Conv2d(width, img_channel, 3, 1, 1, bias=True)
        self.encoders, self.decoders = nn.ModuleList(), nn.ModuleList()
        self.middle_blks = nn.ModuleList()
        self.ups, self.downs = nn.ModuleList(), nn.ModuleList()
        chan = width
        for num in enc_blk_nums:
            self.encoders.append(nn.Sequential(*[NAFBlock(chan) for _ in range(num)]))
            self.downs.append(nn.Conv2d(chan, 2 * chan, 2, 2))
            chan *= 2
        self.middle_blks = nn.Sequential(*[NAFBlock(chan) for _ in range(middle_blk_num)])
        for num in dec_blk_nums:
            self.ups.append(nn.Sequential(nn.Conv2d(chan, chan * 2, 1, bias=False), nn.PixelShuffle(2)))
            chan //= 2
            self.decoders.append(nn.Sequential(*[NAFBlock(chan) for _ in range(num)]))

    def forward(self, inp):
        x = self.intro(inp)
        encs = []
        for encoder, down in zip(self.encoders, self.downs):
            x = encoder(x)
            encs.append(x)
            x = down(x)
        x = self.middle_blks(x)
        for decoder, up, enc_skip in zip(self.decoders, self.ups, encs[::-1]):
            x = decoder(up(x) + enc_skip)
        return self.ending(x) + inp


# --------------------------------------------------------------------------------------
# Perceiver (Jaegle et al. 2021): latents cross-attend to the input array
# --------------------------------------------------------------------------------------
class PreNorm(nn.Module):
    norm_check = "trailing:1"

    def __init__(self, dim, fn, context_dim=None):
        super().__init__()
        self.fn = fn
        self.norm = nn.LayerNorm(dim)
        self.norm_context = nn.LayerNorm(context_dim) if context_dim is not None else None

    def forward(self, x, **kwargs):
        x = self.norm(x)
        if self.norm_context is not None:
            kwargs.update(context=self.norm_context(kwargs["context"]))
        return self.fn(x, **kwargs)


class GEGLU(nn.Module):
    def forward(self, x):
        x, gates = x.chunk(2, dim=-1)
        return x * F.gelu(gates)


class PerceiverFeedForward(nn.Module):
    def __init__(self, dim, mult=2):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, dim * mult * 2), GEGLU(), nn.Linear(dim * mult, dim), nn.Dropout(0.0))

    def forward(self, x):
        return self.net(x)


class PerceiverAttention(nn.Module):
    def __init__(self, query_dim, context_dim=None, heads=2, dim_head=16):
        super().__init__()
        inner = dim_head * heads
        context_dim = query_dim if context_dim is None else context_dim
        self.scale = dim_head ** -0.5
        self.heads = heads
        self.to_q = nn.Linear(query_dim, inner, bias=False)
        self.to_kv = nn.Linear(context_dim, inner * 2, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner, query_dim), nn.Dropout(0.0))

    def forward(self, x, context=None):
        h = self.heads
        context = x if context is None else context
        q = self.to_q(x)
        k, v = self.to_kv(context).chunk(2, dim=-1)

        def split(t):
            b, n, _ = t.shape
            return t.reshape(b, n, h, -1).permute(0, 2, 1, 3)
        q, k, v = map(split, (q, k, v))
        attn = (q @ k.transpose(-1, -2) * self.scale).softmax(dim=-1)
        out = (attn @ v).permute(0, 2, 1, 3)
        return self.to_out(out.reshape(out.shape[0], out.shape[1], -1))


class MeanPool(nn.Module):
    def __init__(self, dim=1):
        super().__init__()
        self.dim = dim

    def extra_repr(self):
        return f"dim={self.dim}"

    def forward(self, x):
        return x.mean(dim=self.dim)


class Perceiver(nn.Module):
    def __init__(self, num_freq_bands=4, depth=2, input_channels=3, num_latents=16, latent_dim=64,
                 num_classes=10, self_per_cross_attn=1):
        super().__init__()
        self.num_freq_bands = num_freq_bands
        input_dim = 2 * (2 * num_freq_bands + 1) + input_channels
        self.latents = nn.Parameter(torch.randn(num_latents, latent_dim))
        self.layers = nn.ModuleList()
        for _ in range(depth):
            self_attns = nn.ModuleList([nn.ModuleList([
                PreNorm(latent_dim, PerceiverAttention(latent_dim, heads=2, dim_head=16)),
                PreNorm(latent_dim, PerceiverFeedForward(latent_dim))]) for _ in range(self_per_cross_attn)])
            self.layers.append(nn.ModuleList([
                PreNorm(latent_dim, PerceiverAttention(latent_dim, input_dim, heads=1, dim_head=32),
                        context_dim=input_dim),
                PreNorm(latent_dim, PerceiverFeedForward(latent_dim)),
                self_attns]))
        self.to_logits = nn.Sequential(MeanPool(1), nn.LayerNorm(latent_dim), nn.Linear(latent_dim, num_classes))

    def fourier_encode(self, pos):
        scales = torch.linspace(1.0, 8.0, self.num_freq_bands)
        x = pos.unsqueeze(-1) * scales * math.pi
        return torch.cat([x.sin(), x.cos(), pos.unsqueeze(-1)], dim=-1)

    def forward(self, img):
        data = img.permute(0, 2, 3, 1)  # b h w c
        b, hh, ww, _ = data.shape
        axis = [torch.linspace(-1.0, 1.0, s) for s in (hh, ww)]
        pos = torch.stack(torch.meshgrid(*axis, indexing="ij"), dim=-1)
        enc = self.fourier_encode(pos).reshape(hh, ww, -1)
        data = torch.cat((data, enc.unsqueeze(0).expand(b, -1, -1, -1)), dim=-1).reshape(b, hh * ww, -1)
        x = self.latents.unsqueeze(0).expand(b, -1, -1)
        for cross_attn, cross_ff, self_attns in self.layers:
            x = cross_attn(x, context=data) + x
            x = cross_ff(x) + x
            for self_attn, self_ff in self_attns:
                x = self_attn(x) + x
                x = self_ff(x) + x
        return self.to_logits(x)


# --------------------------------------------------------------------------------------
# TimeSformer (Bertasius et al. 2021): divided space-time attention
# --------------------------------------------------------------------------------------
class VideoPatchEmbed(nn.Module):
    def __init__(self, patch_size=8, in_chans=3, embed_dim=64):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, patch_size, patch_size)

    def forward(self, x):
        B, C, T, H, W = x.shape
        x = x.transpose(1, 2).reshape(B * T, C, H, W)
        x = self.proj(x)
        W = x.size(-1)
        return x.flatten(2).transpose(1, 2), T, W


class TimeSformerBlock(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, num_heads=num_heads)
        self.temporal_norm1 = nn.LayerNorm(dim)
        self.temporal_attn = Attention(dim, num_heads=num_heads)
        self.temporal_fc = nn.Linear(dim, dim)
        self.drop_path = nn.Identity()
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x, B, T, W):
        num_spatial_tokens = (x.size(1) - 1) // T
        H = num_spatial_tokens // W
        m = x.size(2)
        # temporal: (b h w t) m  ->  (b h w) t m
        xt = x[:, 1:, :]
        xt_ = xt.reshape(B, H * W, T, m).reshape(B * H * W, T, m)
        res_temporal = self.drop_path(self.temporal_attn(self.temporal_norm1(xt_)))
        res_temporal = self.temporal_fc(res_temporal.reshape(B, H * W * T, m))
        xt = x[:, 1:, :] + res_temporal
        # spatial: b (h w t) m -> (b t) (h w) m
        init_cls_token = x[:, 0, :].unsqueeze(1)
        cls_token = init_cls_token.repeat(1, T, 1).reshape(B * T, m).unsqueeze(1)
        xs = xt.reshape(B, H * W, T, m).permute(0, 2, 1, 3).reshape(B * T, H * W, m)
        xs = torch.cat((cls_token, xs), 1)
        res_spatial = self.drop_path(self.attn(self.norm1(xs)))
        cls_token = res_spatial[:, 0, :].reshape(B, T, m).mean(1, True)
        res_spatial = res_spatial[:, 1:, :].reshape(B, T, H * W, m).permute(0, 2, 1, 3).reshape(B, H * W * T, m)
        x = torch.cat((init_cls_token, xt), 1) + torch.cat((cls_token, res_spatial), 1)
        return x + self.drop_path(self.mlp(self.norm2(x)))


class TimeSformer(nn.Module):
    def __init__(self, img_size=32, patch_size=8, num_frames=4, embed_dim=64, depth=2, num_heads=4,
                 num_classes=10):
        super().__init__()
        self.patch_embed = VideoPatchEmbed(patch_size, 3, embed_dim)
        num_patches = (img_size // patch_size) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))
        self.pos_drop = nn.Dropout(0.0)
        self.time_embed = nn.Parameter(torch.zeros(1, num_frames, embed_dim))
        self.time_drop = nn.Dropout(0.0)
        self.blocks = nn.ModuleList([TimeSformerBlock(embed_dim, num_heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, x):
        B = x.shape[0]
        x, T, W = self.patch_embed(x)  # (b t) n m
        cls_tokens = self.cls_token.expand(x.size(0), -1, -1)
        x = self.pos_drop(torch.cat((cls_tokens, x), dim=1) + self.pos_embed)
        cls_tokens = x[:B, 0, :].unsqueeze(1)
        x = x[:, 1:]
        n, m = x.size(1), x.size(2)
        x = x.reshape(B, T, n, m).permute(0, 2, 1, 3).reshape(B * n, T, m)  # (b n) t m
        x = self.time_drop(x + self.time_embed)
        x = x.reshape(B, n * T, m)
        x = torch.cat((cls_tokens, x), dim=1)
        for blk in self.blocks:
            x = blk(x, B, T, W)
        return self.head(self.norm(x)[:, 0])


# --------------------------------------------------------------------------------------
# ConvNeXt-like (Liu et al. 2022): channels-last LayerNorm in each block (permute in
# forward), and the reference code's own LayerNorm class (channels_first) for down-sampling
# --------------------------------------------------------------------------------------
class LayerNorm(nn.Module):
    """ConvNeXt's LayerNorm (prints as `LayerNorm()`: the reference class has no extra_repr)."""
    norm_check = "channel"

    def __init__(self, normalized_shape, eps=1e-6, data_format="channels_last"):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))
        self.eps = eps
        self.data_format = data_format
        self.normalized_shape = (normalized_shape,)
        if data_format == "channels_last":
            self.norm_check = "trailing:1"

    def forward(self, x):
        if self.data_format == "channels_last":
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim, layer_scale_init_value=1e-6):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(layer_scale_init_value * torch.ones((dim,)))
        self.drop_path = nn.Identity()

    def forward(self, x):
        inp = x
        x = self.dwconv(x).permute(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
        x = self.pwconv2(self.act(self.pwconv1(self.norm(x))))
        x = (self.gamma * x).permute(0, 3, 1, 2)
        return inp + self.drop_path(x)


class ConvNeXtLike(nn.Module):
    def __init__(self, in_chans=3, num_classes=10, depths=(2, 2, 2), dims=(16, 32, 64)):
        super().__init__()
        self.downsample_layers = nn.ModuleList()
        self.downsample_layers.append(nn.Sequential(nn.Conv2d(in_chans, dims[0], 4, 4),
                                                    LayerNorm(dims[0], eps=1e-6, data_format="channels_first")))
        for i in range(len(dims) - 1):
            self.downsample_layers.append(nn.Sequential(LayerNorm(dims[i], eps=1e-6, data_format="channels_first"),
                                                        nn.Conv2d(dims[i], dims[i + 1], 2, 2)))
        self.stages = nn.ModuleList([nn.Sequential(*[ConvNeXtBlock(dims[i]) for _ in range(depths[i])])
                                     for i in range(len(dims))])
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.head = nn.Linear(dims[-1], num_classes)

    def forward(self, x):
        for down, stage in zip(self.downsample_layers, self.stages):
            x = stage(down(x))
        return self.head(self.norm(x.mean([-2, -1])))


# --------------------------------------------------------------------------------------
# Conformer (Gulati et al. 2020): macaron FFNs, MHSA, convolution module with transposes
# --------------------------------------------------------------------------------------
class Conv2dSubsampling(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.sequential = nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, 2), nn.ReLU(),
                                        nn.Conv2d(out_channels, out_channels, 3, 2), nn.ReLU())

    def forward(self, x):
        x = self.sequential(x.unsqueeze(1))
        b, c, t, f = x.size()
        return x.permute(0, 2, 1, 3).contiguous().view(b, t, c * f)


class FeedForwardModule(nn.Module):
    def __init__(self, dim, expansion=4, dropout=0.1):
        super().__init__()
        self.sequential = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim * expansion), nn.SiLU(),
                                        nn.Dropout(dropout), nn.Linear(dim * expansion, dim), nn.Dropout(dropout))

    def forward(self, x):
        return self.sequential(x)


class MultiHeadedSelfAttentionModule(nn.Module):
    def __init__(self, dim, heads=4, dropout=0.1):
        super().__init__()
        self.layer_norm = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.layer_norm(x)
        return self.dropout(self.attention(x, x, x, need_weights=False)[0])


class ConformerConvModule(nn.Module):
    def __init__(self, dim, kernel_size=15, dropout=0.1):
        super().__init__()
        self.layer_norm = nn.LayerNorm(dim)
        self.pointwise_conv1 = nn.Conv1d(dim, dim * 2, 1)
        self.glu = nn.GLU(dim=1)
        self.depthwise_conv = nn.Conv1d(dim, dim, kernel_size, padding=(kernel_size - 1) // 2, groups=dim)
        self.batch_norm = nn.BatchNorm1d(dim)
        self.activation = nn.SiLU()
        self.pointwise_conv2 = nn.Conv1d(dim, dim, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.layer_norm(x).transpose(1, 2)
        x = self.glu(self.pointwise_conv1(x))
        x = self.activation(self.batch_norm(self.depthwise_conv(x)))
        return self.dropout(self.pointwise_conv2(x)).transpose(1, 2)


class ResidualConnectionModule(nn.Module):
    def __init__(self, module, module_factor=1.0):
        super().__init__()
        self.module = module
        self.module_factor = module_factor

    def forward(self, x):
        return x + self.module(x) * self.module_factor


class ConformerBlock(nn.Module):
    def __init__(self, dim, heads=4, kernel_size=15):
        super().__init__()
        self.sequential = nn.Sequential(
            ResidualConnectionModule(FeedForwardModule(dim), 0.5),
            ResidualConnectionModule(MultiHeadedSelfAttentionModule(dim, heads)),
            ResidualConnectionModule(ConformerConvModule(dim, kernel_size)),
            ResidualConnectionModule(FeedForwardModule(dim), 0.5),
            nn.LayerNorm(dim))

    def forward(self, x):
        return self.sequential(x)


class Conformer(nn.Module):
    def __init__(self, input_dim=40, dim=32, num_layers=2, num_classes=20):
        super().__init__()
        self.conv_subsample = Conv2dSubsampling(1, dim)
        f = ((input_dim - 1) // 2 - 1) // 2
        self.input_projection = nn.Sequential(nn.Linear(dim * f, dim), nn.Dropout(0.1))
        self.layers = nn.ModuleList([ConformerBlock(dim) for _ in range(num_layers)])
        self.fc = nn.Linear(dim, num_classes, bias=False)

    def forward(self, x):
        x = self.input_projection(self.conv_subsample(x))
        for layer in self.layers:
            x = layer(x)
        return F.log_softmax(self.fc(x), dim=-1)


# --------------------------------------------------------------------------------------
# TCN (Bai et al. 2018) with GroupNorm, then a WaveNet-style gated residual/skip stack
# (van den Oord et al. 2016). TemporalBlock registers its layers twice, as the reference
# code does (attributes and `net`), so print(model) shows them twice.
# --------------------------------------------------------------------------------------
class Chomp1d(nn.Module):
    def __init__(self, chomp_size):
        super().__init__()
        self.chomp_size = chomp_size

    def forward(self, x):
        return x[:, :, :-self.chomp_size].contiguous()


class TemporalBlock(nn.Module):
    def __init__(self, n_inputs, n_outputs, kernel_size, dilation, dropout=0.1):
        super().__init__()
        padding = (kernel_size - 1) * dilation
        self.conv1 = nn.Conv1d(n_inputs, n_outputs, kernel_size, padding=padding, dilation=dilation)
        self.chomp1 = Chomp1d(padding)
        self.norm1 = nn.GroupNorm(4, n_outputs)
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(dropout)
        self.conv2 = nn.Conv1d(n_outputs, n_outputs, kernel_size, padding=padding, dilation=dilation)
        self.chomp2 = Chomp1d(padding)
        self.norm2 = nn.GroupNorm(4, n_outputs)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(dropout)
        self.net = nn.Sequential(self.conv1, self.chomp1, self.norm1, self.relu1, self.dropout1,
                                 self.conv2, self.chomp2, self.norm2, self.relu2, self.dropout2)
        self.downsample = nn.Conv1d(n_inputs, n_outputs, 1) if n_inputs != n_outputs else None
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.net(x)
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


class TemporalConvNet(nn.Module):
    def __init__(self, num_inputs, num_channels, kernel_size=3):
        super().__init__()
        layers = []
        for i, out_ch in enumerate(num_channels):
            in_ch = num_inputs if i == 0 else num_channels[i - 1]
            layers.append(TemporalBlock(in_ch, out_ch, kernel_size, dilation=2 ** i))
        self.network = nn.Sequential(*layers)

    def forward(self, x):
        return self.network(x)


class GatedResidualLayer(nn.Module):
    def __init__(self, channels, skip_channels, dilation):
        super().__init__()
        self.dilated = nn.Conv1d(channels, 2 * channels, 2, dilation=dilation, padding=dilation)
        self.norm = nn.GroupNorm(8, channels)
        self.res = nn.Conv1d(channels, channels, 1)
        self.skip = nn.Conv1d(channels, skip_channels, 1)

    def forward(self, x):
        h = self.dilated(x)[:, :, :x.size(2)]
        a, b = h.chunk(2, dim=1)
        h = self.norm(torch.tanh(a) * torch.sigmoid(b))
        return x + self.res(h), self.skip(h)


class WaveNetTCN(nn.Module):
    def __init__(self, in_channels=8, channels=32, skip_channels=32, n_out=4):
        super().__init__()
        self.tcn = TemporalConvNet(in_channels, [16, 16, channels, channels], kernel_size=3)
        self.layers = nn.ModuleList([GatedResidualLayer(channels, skip_channels, 2 ** i) for i in range(3)])
        self.post = nn.Sequential(nn.ReLU(), nn.Conv1d(skip_channels, skip_channels, 1),
                                  nn.GroupNorm(8, skip_channels), nn.ReLU(), nn.Conv1d(skip_channels, n_out, 1))

    def forward(self, x):
        x = self.tcn(x)
        skips = 0
        for layer in self.layers:
            x, s = layer(x)
            skips = skips + s
        return self.post(skips)


# --------------------------------------------------------------------------------------
# SE-ResNeXt (Hu et al. 2018; Xie et al. 2017), Cadene's SENet layout, with the
# linear-probing head of MAE (BatchNorm1d(affine=False) before the classifier)
# --------------------------------------------------------------------------------------
class SEModule(nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, channels // reduction, 1, padding=0)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(channels // reduction, channels, 1, padding=0)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        s = self.sigmoid(self.fc2(self.relu(self.fc1(self.avg_pool(x)))))
        return x * s


class SEResNeXtBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, groups, reduction, stride=1, downsample=None, base_width=4):
        super().__init__()
        width = math.floor(planes * (base_width / 64)) * groups
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False, stride=1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.se_module = SEModule(planes * 4, reduction=reduction)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se_module(self.bn3(self.conv3(out)))
        if self.downsample is not None:
            residual = self.downsample(x)
        return self.relu(out + residual)


class SEResNeXt(nn.Module):
    def __init__(self, layers=(2, 2), groups=8, reduction=4, num_classes=10):
        super().__init__()
        self.inplanes = 32
        self.layer0 = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(3, 32, 7, stride=2, padding=3, bias=False)),
            ("bn1", nn.BatchNorm2d(32)), ("relu1", nn.ReLU(inplace=True)),
            ("pool", nn.MaxPool2d(3, stride=2, ceil_mode=True))]))
        self.layer1 = self._make_layer(16, layers[0], groups, reduction, 1)
        self.layer2 = self._make_layer(32, layers[1], groups, reduction, 2)
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.last_linear = nn.Sequential(nn.BatchNorm1d(128, affine=False, eps=1e-6), nn.Linear(128, num_classes))

    def _make_layer(self, planes, blocks, groups, reduction, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes * 4, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(planes * 4))
        layers = [SEResNeXtBottleneck(self.inplanes, planes, groups, reduction, stride, downsample)]
        self.inplanes = planes * 4
        layers += [SEResNeXtBottleneck(self.inplanes, planes, groups, reduction) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.layer2(self.layer1(self.layer0(x)))
        x = self.avg_pool(x).view(x.size(0), -1)
        return self.last_linear(x)


# --------------------------------------------------------------------------------------
# CycleGAN / pix2pix ResNet generator (Zhu et al. 2017; Johnson et al. 2016), the reference
# code's layout: InstanceNorm2d(affine=False, track_running_stats=False)
# --------------------------------------------------------------------------------------
def instance_norm(c):
    return nn.InstanceNorm2d(c, affine=False, track_running_stats=False)


class CycleResnetBlock(nn.Module):
    def __init__(self, dim, norm_layer=instance_norm, use_bias=True):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, padding=0, bias=use_bias), norm_layer(dim), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, padding=0, bias=use_bias), norm_layer(dim))

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc=3, output_nc=3, ngf=16, n_blocks=3, norm_layer=instance_norm):
        super().__init__()
        model = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, padding=0, bias=True), norm_layer(ngf),
                 nn.ReLU(True)]
        for i in range(2):
            mult = 2 ** i
            model += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=True),
                      norm_layer(ngf * mult * 2), nn.ReLU(True)]
        mult = 4
        model += [CycleResnetBlock(ngf * mult, norm_layer) for _ in range(n_blocks)]
        for i in range(2):
            mult = 2 ** (2 - i)
            model += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1,
                                         bias=True), norm_layer(ngf * mult // 2), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7, padding=0), nn.Tanh()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


# --------------------------------------------------------------------------------------
# pix2pix (Isola et al. 2017): recursive U-Net generator (skip by concatenation inside each
# block's forward) and the 70x70-style PatchGAN discriminator, BatchNorm2d
# --------------------------------------------------------------------------------------
class UnetSkipConnectionBlock(nn.Module):
    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False,
                 norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.outermost = outermost
        input_nc = outer_nc if input_nc is None else input_nc
        downconv = nn.Conv2d(input_nc, inner_nc, 4, 2, 1, bias=False)
        downrelu = nn.LeakyReLU(0.2, True)
        downnorm = norm_layer(inner_nc)
        uprelu = nn.ReLU(True)
        upnorm = norm_layer(outer_nc)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, 2, 1)
            model = [downconv, submodule, uprelu, upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, 4, 2, 1, bias=False)
            model = [downrelu, downconv, uprelu, upconv, upnorm]
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, 2, 1, bias=False)
            model = [downrelu, downconv, downnorm, submodule, uprelu, upconv, upnorm]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    def __init__(self, input_nc=3, output_nc=3, ngf=8):
        super().__init__()
        b = UnetSkipConnectionBlock(ngf * 8, ngf * 8, innermost=True)
        b = UnetSkipConnectionBlock(ngf * 4, ngf * 8, submodule=b)
        b = UnetSkipConnectionBlock(ngf * 2, ngf * 4, submodule=b)
        b = UnetSkipConnectionBlock(ngf, ngf * 2, submodule=b)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, submodule=b, outermost=True)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc=6, ndf=8, n_layers=3, norm_layer=nn.BatchNorm2d):
        super().__init__()
        seq = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1, bias=False), norm_layer(ndf * mult),
                    nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1, bias=False), norm_layer(ndf * mult),
                nn.LeakyReLU(0.2, True), nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


class Pix2Pix(nn.Module):
    def __init__(self):
        super().__init__()
        self.netG = UnetGenerator(3, 3, ngf=8)
        self.netD = NLayerDiscriminator(6, ndf=8, n_layers=3)

    def forward(self, real_A):
        fake_B = self.netG(real_A)
        return fake_B, self.netD(torch.cat((real_A, fake_B), 1))


# --------------------------------------------------------------------------------------
# LLaMA-style decoder (Touvron et al. 2023): RMSNorm written by the user (it prints as
# PyTorch 2.4's nn.RMSNorm does), rotary embeddings, SwiGLU
# --------------------------------------------------------------------------------------
class RMSNorm(nn.Module):
    norm_check = "trailing:1"

    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.normalized_shape = (dim,)
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine=True"

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def apply_rotary(x, freqs):
    x_ = x.float().reshape(*x.shape[:-1], -1, 2)
    x_ = torch.view_as_complex(x_)
    return torch.view_as_real(x_ * freqs).flatten(3).type_as(x)


class LlamaAttention(nn.Module):
    def __init__(self, dim, n_heads):
        super().__init__()
        self.n_heads, self.head_dim = n_heads, dim // n_heads
        self.wq = nn.Linear(dim, dim, bias=False)
        self.wk = nn.Linear(dim, dim, bias=False)
        self.wv = nn.Linear(dim, dim, bias=False)
        self.wo = nn.Linear(dim, dim, bias=False)

    def forward(self, x, freqs):
        b, n, _ = x.shape
        q = self.wq(x).view(b, n, self.n_heads, self.head_dim)
        k = self.wk(x).view(b, n, self.n_heads, self.head_dim)
        v = self.wv(x).view(b, n, self.n_heads, self.head_dim)
        q, k = apply_rotary(q, freqs), apply_rotary(k, freqs)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        mask = torch.full((n, n), float("-inf")).triu(1)
        att = (q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + mask).softmax(-1)
        return self.wo((att @ v).transpose(1, 2).reshape(b, n, -1))


class LlamaFeedForward(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class TransformerBlock(nn.Module):
    def __init__(self, dim, n_heads, hidden):
        super().__init__()
        self.attention = LlamaAttention(dim, n_heads)
        self.feed_forward = LlamaFeedForward(dim, hidden)
        self.attention_norm = RMSNorm(dim, eps=1e-5)
        self.ffn_norm = RMSNorm(dim, eps=1e-5)

    def forward(self, x, freqs):
        h = x + self.attention(self.attention_norm(x), freqs)
        return h + self.feed_forward(self.ffn_norm(h))


class LlamaLM(nn.Module):
    def __init__(self, vocab=256, dim=64, n_layers=2, n_heads=4, hidden=172, max_len=64):
        super().__init__()
        self.tok_embeddings = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList([TransformerBlock(dim, n_heads, hidden) for _ in range(n_layers)])
        self.norm = RMSNorm(dim, eps=1e-5)
        self.output = nn.Linear(dim, vocab, bias=False)
        hd = dim // n_heads
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        self.register_buffer("freqs_cis", torch.polar(torch.ones(max_len, hd // 2),
                                                      torch.outer(torch.arange(max_len).float(), inv)),
                             persistent=False)

    def forward(self, tokens):
        n = tokens.shape[1]
        h = self.tok_embeddings(tokens)
        freqs = self.freqs_cis[:n].view(1, n, 1, -1)
        for layer in self.layers:
            h = layer(h, freqs)
        return self.output(self.norm(h))


# --------------------------------------------------------------------------------------
# WGAN-GP critic (Gulrajani et al. 2017): LayerNorm over [C, H, W] instead of BatchNorm
# --------------------------------------------------------------------------------------
class CriticBlock(nn.Module):
    def __init__(self, in_ch, out_ch, size):
        super().__init__()
        self.main = nn.Sequential(nn.Conv2d(in_ch, out_ch, 4, 2, 1), nn.LayerNorm([out_ch, size // 2, size // 2]),
                                  nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.main(x)


class WGANCritic(nn.Module):
    def __init__(self, ch=16, size=32):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, ch, 3, 1, 1), nn.LeakyReLU(0.2))
        self.blocks = nn.Sequential(CriticBlock(ch, 2 * ch, size), CriticBlock(2 * ch, 4 * ch, size // 2),
                                    CriticBlock(4 * ch, 8 * ch, size // 4))
        self.out = nn.Linear(8 * ch * (size // 8) ** 2, 1)

    def forward(self, x):
        return self.out(self.blocks(self.stem(x)).flatten(1))
