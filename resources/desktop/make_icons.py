#!/usr/bin/python3
"""Renders icons/org.normlab.NormLab.svg to the PNG sizes a desktop looks for
(icons/NxN.png). Run after editing the SVG and commit the PNGs: the build needs no SVG
renderer. Reads only what that SVG uses (rect with rx, a path of M and C commands, line),
draws it with Pillow at 4x and scales down (anti-aliasing)."""
import os
import re
import xml.etree.ElementTree as ET

from PIL import Image, ImageDraw

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icons")
SVG = os.path.join(HERE, "org.normlab.NormLab.svg")
NS = "{http://www.w3.org/2000/svg}"


def cubic(p0, p1, p2, p3, steps=64):
    for k in range(steps + 1):
        t = k / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
        yield (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
               a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])


def render(size):
    root = ET.parse(SVG).getroot()
    big = size * 4
    s = big / float(root.get("width"))
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def walk(node, fill):
        fill = node.get("fill", fill)
        for child in node:
            tag = child.tag.replace(NS, "")
            f = child.get("fill", fill)
            if tag == "g":
                walk(child, fill)
            elif tag == "rect":
                x, y, w, h = (float(child.get(k)) * s for k in ("x", "y", "width", "height"))
                r = float(child.get("rx", 0)) * s
                draw.rounded_rectangle([x, y, x + w, y + h], radius=r, fill=f)
            elif tag == "path":
                numbers = [float(v) * s for v in re.findall(r"-?\d+(?:\.\d+)?", child.get("d"))]
                start = numbers[:2]
                points = []
                for i in range(2, len(numbers), 6):
                    c = numbers[i:i + 6]
                    points += list(cubic(start, c[0:2], c[2:4], c[4:6]))
                    start = c[4:6]
                width = float(child.get("stroke-width")) * s
                draw.line(points, fill=child.get("stroke"), width=round(width), joint="curve")
                for end in (points[0], points[-1]):  # round caps
                    draw.ellipse([end[0] - width / 2, end[1] - width / 2,
                                  end[0] + width / 2, end[1] + width / 2], fill=child.get("stroke"))
            elif tag == "line":
                x1, y1, x2, y2 = (float(child.get(k)) * s for k in ("x1", "y1", "x2", "y2"))
                width = float(child.get("stroke-width")) * s
                draw.line([x1, y1, x2, y2], fill=child.get("stroke"), width=round(width))
                for end in ((x1, y1), (x2, y2)):
                    draw.ellipse([end[0] - width / 2, end[1] - width / 2,
                                  end[0] + width / 2, end[1] + width / 2], fill=child.get("stroke"))

    walk(root, None)
    return image.resize((size, size), Image.LANCZOS)


for n in (16, 24, 32, 48, 64, 128, 256, 512):
    render(n).save(os.path.join(HERE, "%dx%d.png" % (n, n)))
