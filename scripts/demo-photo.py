#!/usr/bin/env python3
"""Generates the demo's photo banner, content/banners/harbor-dusk.jpg.

The demo needs one raster banner that behaves like a photo straight from a phone: a
JPEG whose pixels are stored on their side, with an EXIF Orientation tag telling the
viewer how to turn it upright. This script paints a calm harbour at dusk (sky, a low
sun, hills, a pier, a few boats, light on the water, film grain) from code alone, so
the image has no licence questions and can be regenerated at any time.

Run from anywhere (Python 3.11, Pillow from PyPI):

    python3 -m venv /tmp/v && /tmp/v/bin/pip install pillow && /tmp/v/bin/python scripts/demo-photo.py

An optional argument, a path ending in .png, also saves the upright scene there for a
look: `/tmp/v/bin/python scripts/demo-photo.py /tmp/harbor.png`.

Output: the scene is 2400x1600 (landscape). It is stored rotated a quarter turn
counter-clockwise, as 1600x2400, with EXIF Orientation = 6 ("rotate 90 degrees
clockwise to display"), so anything that honours EXIF shows it upright at 2400x1600.
The lower-left third is kept dark and plain, for a headline over it.

Everything is deterministic (the only randomness comes from a seeded generator) and the
JPEG carries no metadata besides the orientation, so with the same Pillow version a
rerun writes the same bytes (the committed file was made with Pillow 13.0.0). Before
writing, the script decodes its own JPEG, applies the EXIF orientation with
ImageOps.exif_transpose and checks that the result matches the painted scene.
"""

import io
import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

W, H = 2400, 1600
HORIZON = 1010  # y of the sea's horizon line
SUN = (1560, 996)  # centre of the sun, just touching the horizon
SUN_R = 50
PIER_X0 = 1760  # the pier's far end; it runs out of the frame on the right
MOORED_X, MOORED_WATERLINE = 1530, 1204
SEED = 1947
QUALITY = 88
ORIENTATION = 0x0112  # EXIF tag number
OUT = Path(__file__).resolve().parent.parent / "content" / "banners" / "harbor-dusk.jpg"


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def ramp(stops, t):
    """Colour at t (0..1) along a list of (position, rgb) stops."""
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if t <= p1:
            u = 0.0 if p1 == p0 else (t - p0) / (p1 - p0)
            # smoothstep, so the bands between stops do not show
            return mix(c0, c1, u * u * (3 - 2 * u))
    return stops[-1][1]


def vertical_gradient(stops, width, height):
    column = Image.new("RGB", (1, height))
    column.putdata([ramp(stops, y / max(1, height - 1)) for y in range(height)])
    return column.resize((width, height), Image.Resampling.BILINEAR)


def glow(size, centre, radius, color, strength, falloff=2.0):
    """A soft round glow: an RGBA layer whose alpha fades from the centre outwards."""
    r = radius
    # a radial ramp computed once on a small grid, then scaled up smoothly
    n = 256
    cells = []
    for y in range(n):
        for x in range(n):
            d = math.hypot(x - n / 2 + 0.5, y - n / 2 + 0.5) / (n / 2)
            a = max(0.0, 1.0 - d) ** falloff
            cells.append(round(255 * strength * a))
    mask = Image.new("L", (n, n))
    mask.putdata(cells)
    mask = mask.resize((2 * r, 2 * r), Image.Resampling.BICUBIC)
    layer = Image.new("RGBA", size, color + (0,))
    alpha = Image.new("L", size, 0)
    alpha.paste(mask, (centre[0] - r, centre[1] - r))
    layer.putalpha(alpha)
    return layer


def field(fn, grid=(120, 80)):
    """An L mask from fn(u, v) -> 0..1 over the frame (u, v in 0..1), smoothly scaled up."""
    gw, gh = grid
    mask = Image.new("L", grid)
    mask.putdata([round(255 * min(1.0, max(0.0, fn(x / (gw - 1), y / (gh - 1))))) for y in range(gh) for x in range(gw)])
    return mask.resize((W, H), Image.Resampling.BICUBIC)


def pier_waterline(x):
    """Where the pier's piles meet the water: lower (nearer) towards the right."""
    return 1140 + (x - PIER_X0) * 92 / 650


def mirror(mask, y_at_0, slope=0.0):
    """mask reflected about the line y = y_at_0 + slope * x."""
    # output (x, y) takes input (x, 2 * (y_at_0 + slope * x) - y)
    return mask.transform(mask.size, Image.Transform.AFFINE, (1, 0, 0, 2 * slope, -1, 2 * y_at_0), Image.Resampling.BILINEAR)


def ripple(mask, top, rng, band=3):
    """Breaks a reflection into thin rows shifted sideways, as on a slightly moving sea."""
    out = mask.copy()
    for y in range(top, H, band):
        amp = 1 + (y - top) * 0.03
        shift = round(math.sin(y * 0.21) * amp * 1.4 + rng.uniform(-amp, amp))
        out.paste(mask.crop((0, y, W, y + band)), (shift, y))
    return out


def smear(mask, factor):
    """Blurs a mask sideways only, the way moving water stretches light."""
    w, h = mask.size
    small = mask.resize((w // factor, h), Image.Resampling.BOX)
    return small.filter(ImageFilter.BoxBlur(1)).resize((w, h), Image.Resampling.BICUBIC)


def over(base, color, mask):
    """Paints color onto base (RGB) through mask (L)."""
    base.paste(Image.new("RGB", base.size, color), (0, 0), mask)


def ridge(x0, x1, base_y, height, waves, step=4):
    """Outline of a hill range: base_y minus a sum of sines, tapering at both ends."""
    points = [(x0, base_y)]
    for x in range(x0, x1 + 1, step):
        t = (x - x0) / (x1 - x0)
        taper = math.sin(math.pi * t) ** 0.6
        wave = sum(a * math.sin(f * x / 1000 + p) for a, f, p in waves)
        points.append((x, base_y - taper * (height + wave)))
    points.append((x1, base_y))
    return points


def silhouettes(scale):
    """Masks (L) for the far hills, the near hills, the pier, the moored boat and the two
    sailing boats, drawn at scale times the frame size and scaled down for smooth edges."""
    s = scale

    def poly(draw, pts):
        draw.polygon([(x * s, y * s) for x, y in pts], fill=255)

    def rect(draw, x0, y0, x1, y1):
        draw.rectangle([x0 * s, y0 * s, x1 * s, y1 * s], fill=255)

    size = (W * s, H * s)
    far = Image.new("L", size, 0)
    d = ImageDraw.Draw(far)
    poly(d, ridge(-200, 1250, HORIZON + 1, 150, [(26, 5.1, 0.4), (14, 11.7, 1.9), (6, 23.0, 0.2)]))
    poly(d, ridge(1900, 2700, HORIZON + 1, 95, [(18, 6.3, 2.2), (8, 14.9, 0.7)]))

    near = Image.new("L", size, 0)
    d = ImageDraw.Draw(near)
    poly(d, ridge(-300, 620, HORIZON + 1, 88, [(14, 8.2, 1.1), (7, 19.5, 2.6)]))
    poly(d, ridge(2150, 2750, HORIZON + 1, 60, [(10, 9.4, 0.3)]))

    pier = Image.new("L", size, 0)
    d = ImageDraw.Draw(pier)
    x0, x1 = PIER_X0, W + 10
    # the deck, in slight perspective: nearer (lower, thicker) towards the right edge
    top0, top1 = 1112, 1146
    bot0, bot1 = 1124, 1170
    poly(d, [(x0, top0), (x1, top1), (x1, bot1), (x0, bot0)])

    def deck_at(x):
        t = (x - x0) / (x1 - x0)
        return top0 + (top1 - top0) * t, bot0 + (bot1 - bot0) * t

    # piles down to the water, spaced wider as they come closer
    x = x0 + 8
    gap = 44
    while x < W:
        top, bottom = deck_at(x)
        thick = 3 + (x - x0) / 90
        rect(d, x, bottom - 1, x + thick, pier_waterline(x))
        x += gap
        gap *= 1.12
    # railing: a top rail and its posts
    rail = 34
    poly(d, [(x0, top0 - rail), (x1, top1 - rail * 1.5), (x1, top1 - rail * 1.5 + 4), (x0, top0 - rail + 2)])
    x = x0
    gap = 38
    while x < W:
        top, _ = deck_at(x)
        h = rail * (1 + 0.5 * (x - x0) / (x1 - x0))
        rect(d, x, top - h, x + 2 + (x - x0) / 160, top)
        x += gap
        gap *= 1.1
    # a lamp post near the end of the pier
    lx = 1830
    ltop, _ = deck_at(lx)
    rect(d, lx, ltop - 150, lx + 4, ltop)
    rect(d, lx - 12, ltop - 156, lx + 16, ltop - 150)

    # a motor boat moored beside the pier
    moored = Image.new("L", size, 0)
    d = ImageDraw.Draw(moored)
    bx, by = MOORED_X, MOORED_WATERLINE - 8
    poly(d, [(bx, by - 18), (bx + 190, by - 22), (bx + 176, by + 6), (bx + 18, by + 8)])
    poly(d, [(bx + 50, by - 18), (bx + 62, by - 44), (bx + 120, by - 46), (bx + 128, by - 20)])
    rect(d, bx + 96, by - 78, bx + 99, by - 44)

    # two small sailing boats out on the horizon
    sails = Image.new("L", size, 0)
    d = ImageDraw.Draw(sails)
    for cx, size_ in ((930, 1.0), (1210, 0.62)):
        hull = [(cx - 34 * size_, HORIZON - 6 * size_), (cx + 34 * size_, HORIZON - 6 * size_),
                (cx + 26 * size_, HORIZON + 2), (cx - 26 * size_, HORIZON + 2)]
        poly(d, hull)
        rect(d, cx - 1, HORIZON - 92 * size_, cx + 1 + size_, HORIZON - 6 * size_)
        poly(d, [(cx + 3, HORIZON - 88 * size_), (cx + 3, HORIZON - 10 * size_), (cx + 40 * size_, HORIZON - 10 * size_)])
        poly(d, [(cx - 3, HORIZON - 74 * size_), (cx - 3, HORIZON - 10 * size_), (cx - 28 * size_, HORIZON - 10 * size_)])

    return [m.resize((W, H), Image.Resampling.LANCZOS) for m in (far, near, pier, moored, sails)]


def paint():
    rng = random.Random(SEED)

    # sky: deep blue overhead down to a warm band at the horizon
    sky = vertical_gradient(
        [
            (0.00, (16, 22, 48)),
            (0.30, (38, 44, 86)),
            (0.58, (98, 72, 112)),
            (0.80, (196, 116, 108)),
            (0.93, (240, 160, 110)),
            (1.00, (252, 196, 138)),
        ],
        W,
        HORIZON + 40,
    )
    img = Image.new("RGB", (W, H))
    img.paste(sky, (0, 0))

    # warm light around the sun, wide and then close
    img = img.convert("RGBA")
    img.alpha_composite(glow((W, H), SUN, 1300, (255, 150, 90), 0.42, 1.6))
    img.alpha_composite(glow((W, H), SUN, 420, (255, 196, 128), 0.55, 1.8))
    img.alpha_composite(glow((W, H), SUN, 130, (255, 232, 180), 0.85, 1.2))
    img = img.convert("RGB")

    # long thin clouds, lit from below near the horizon, dark higher up
    clouds = Image.new("L", (W, H), 0)
    lit = Image.new("L", (W, H), 0)
    cd = ImageDraw.Draw(clouds)
    ld = ImageDraw.Draw(lit)
    for _ in range(16):
        cx = rng.uniform(-200, W + 200)
        cy = rng.uniform(120, HORIZON - 220)
        w = rng.uniform(380, 1100)
        h = rng.uniform(14, 38)
        shade = round(rng.uniform(70, 140))
        cd.ellipse([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], fill=shade)
        ld.ellipse([cx - w / 2 + 30, cy + h * 0.1, cx + w / 2 - 30, cy + h * 0.6], fill=round(shade * 0.9))
    clouds = clouds.filter(ImageFilter.GaussianBlur(16))
    lit = lit.filter(ImageFilter.GaussianBlur(10))
    # lit undersides glow more the nearer they are to the horizon
    height_fade = vertical_gradient([(0, (60, 60, 60)), (0.75, (255, 255, 255)), (1, (255, 255, 255))], W, H).convert("L")
    over(img, (58, 48, 86), clouds)
    over(img, (246, 150, 118), ImageChops.multiply(lit, height_fade))

    # the sun's disc, soft edged; the sea is painted over its lower part
    disc = Image.new("L", (W, H), 0)
    ImageDraw.Draw(disc).ellipse([SUN[0] - SUN_R, SUN[1] - SUN_R, SUN[0] + SUN_R, SUN[1] + SUN_R], fill=255)
    over(img, (255, 240, 206), disc.filter(ImageFilter.GaussianBlur(2.5)))

    # sea: reflects the warm horizon, darkening towards the viewer
    sea = vertical_gradient(
        [
            (0.00, (214, 138, 118)),
            (0.05, (150, 98, 110)),
            (0.22, (66, 54, 86)),
            (0.55, (30, 32, 58)),
            (1.00, (12, 16, 32)),
        ],
        W,
        H - HORIZON,
    )
    # and is brighter under the sun than at the sides
    sea = sea.convert("RGBA")
    sea.alpha_composite(glow((W, H - HORIZON), (SUN[0], 0), 900, (236, 150, 112), 0.40, 1.5))
    img.paste(sea.convert("RGB"), (0, HORIZON))

    # light on the water: small glints under the sun, wider and sparser nearer the viewer
    glitter = Image.new("L", (W, H), 0)
    gd = ImageDraw.Draw(glitter)
    for _ in range(6000):
        depth = rng.random() ** 2.2  # more glints near the horizon
        y = HORIZON + 3 + depth * (H - HORIZON - 40)
        spread = 26 + depth * 420
        x = SUN[0] + rng.gauss(0, 1) * spread * 0.42
        length = (6 + depth * 80) * rng.uniform(0.3, 1.2)
        thick = 1 + depth * 2.4
        level = round(255 * (1 - depth) ** 1.9 * rng.uniform(0.25, 1.0))
        gd.ellipse([x - length / 2, y, x + length / 2, y + thick], fill=level)
    glitter = smear(glitter, 4).filter(ImageFilter.GaussianBlur(0.9)).point(lambda v: min(255, round(v * 1.7)))
    over(img, (255, 214, 160), glitter)

    # faint long swells across the water, fading out towards the lower left
    swell = Image.new("L", (W, H), 0)
    sd = ImageDraw.Draw(swell)
    for _ in range(260):
        depth = rng.random() ** 1.3
        y = HORIZON + 6 + depth * (H - HORIZON - 20)
        x = rng.uniform(-100, W)
        length = rng.uniform(120, 700) * (0.5 + depth)
        level = round(rng.uniform(14, 46) * (1 - depth * 0.7))
        sd.rectangle([x, y, x + length, y + 1 + depth * 2], fill=level)
    swell = smear(swell, 3).filter(ImageFilter.GaussianBlur(1.5))
    trough = Image.new("L", (W, H), 0)
    td = ImageDraw.Draw(trough)
    for _ in range(700):
        depth = rng.random() ** 1.2
        y = HORIZON + 8 + depth * (H - HORIZON - 20)
        x = rng.uniform(-200, W)
        length = rng.uniform(200, 900) * (0.4 + depth)
        td.rectangle([x, y, x + length, y + 1 + depth * 3], fill=round(rng.uniform(20, 60)))
    trough = smear(trough, 3).filter(ImageFilter.GaussianBlur(1.5))
    over(img, (8, 10, 24), trough)
    # u, v: 0..1 across and down the frame; fade where both left and low
    keep = field(lambda u, v: 1 - 1.6 * (1 - u) * max(0.0, v - 0.62) / 0.38)
    over(img, (214, 168, 176), ImageChops.multiply(swell, keep))

    # the land, the pier and the boats, as silhouettes
    far, near, pier, moored, sails = silhouettes(2)
    # mist lies on the water, so the hills are paler at their feet
    mist = field(lambda u, v: 0.55 * max(0.0, 1 - abs(v * H - HORIZON) / 110))
    over(img, (62, 44, 80), far)
    over(img, (28, 22, 44), near)
    over(img, (170, 112, 124), ImageChops.multiply(ImageChops.lighter(far, near), mist))
    # a calm sea mirrors the hills, faintly
    hills_below = ripple(mirror(ImageChops.lighter(far, near), HORIZON + 1), HORIZON + 1, rng)
    hills_below = ImageChops.multiply(hills_below, field(lambda u, v: 0.45 * max(0.0, 1 - (v * H - HORIZON) / 170)))
    over(img, (40, 30, 58), hills_below.filter(ImageFilter.GaussianBlur(2.5)))

    # the pier and the boats reflected, each about its own waterline, broken up by ripples
    # and fading further down
    refl = ImageChops.lighter(
        ImageChops.lighter(
            mirror(pier, pier_waterline(0), 92 / 650).point(lambda v: v * 0.6),
            mirror(moored, MOORED_WATERLINE),
        ),
        mirror(sails, HORIZON + 2),
    )
    refl = ripple(refl, HORIZON + 2, rng)
    depth_fade = field(lambda u, v: 0.75 * max(0.0, 1 - max(0.0, v * H - 1150) / 260))
    refl = ImageChops.multiply(refl, depth_fade).filter(ImageFilter.GaussianBlur(1.8))
    over(img, (20, 16, 32), refl)
    over(img, (14, 12, 24), ImageChops.lighter(ImageChops.lighter(pier, moored), sails))

    # the lamp on the pier
    img = img.convert("RGBA")
    img.alpha_composite(glow((W, H), (1836, 980), 70, (255, 206, 140), 0.55, 2.0))
    img.alpha_composite(glow((W, H), (1836, 980), 8, (255, 244, 220), 1.0, 0.8))
    img = img.convert("RGB")

    # vignette, heavier in the lower left where a headline goes
    shade = Image.new("L", (W, H), 0)
    sd = ImageDraw.Draw(shade)
    sd.ellipse([-W * 0.25, -H * 0.35, W * 1.25, H * 1.2], fill=255)
    shade = shade.filter(ImageFilter.GaussianBlur(260)).point(lambda v: 255 - v)
    corner = Image.new("L", (W, H), 0)
    ImageDraw.Draw(corner).ellipse([-W * 0.55, H * 0.52, W * 0.6, H * 1.55], fill=150)
    corner = corner.filter(ImageFilter.GaussianBlur(220))
    over(img, (6, 8, 18), ImageChops.lighter(shade.point(lambda v: v * 0.8), corner))

    # a touch of lens softness, then grain
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    return add_grain(img, rng)


def add_grain(img, rng, amount=5):
    """Monochrome film grain: the same small offset on all three channels."""
    n = W * H
    a = Image.frombytes("L", (W, H), rng.randbytes(n))
    b = Image.frombytes("L", (W, H), rng.randbytes(n))
    grain = ImageChops.add(a, b, scale=2.0)  # triangular, centred on 127
    grain = grain.point(lambda v: round(v * 2 * amount / 255))
    grain = Image.merge("RGB", (grain, grain, grain))
    return ImageChops.add(img, grain, scale=1.0, offset=-amount)


def encode(upright):
    """JPEG bytes: the pixels turned on their side, plus EXIF Orientation 6."""
    # Orientation 6 means "rotate 90 degrees clockwise to display", so the stored pixels
    # are the upright scene turned 90 degrees counter-clockwise (ROTATE_90 in Pillow).
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=QUALITY, optimize=True, exif=exif.tobytes())
    return out.getvalue()


def check(data, upright):
    """The file must be 1600x2400 on disk and come back upright as 2400x1600."""

    def fail(message):
        sys.exit(f"demo-photo.py: {message}; not writing {OUT}")

    stored = Image.open(io.BytesIO(data))
    if stored.size != (H, W):
        fail(f"stored size is {stored.size}, expected {(H, W)}")
    if stored.getexif().get(ORIENTATION) != 6:
        fail("EXIF orientation is not 6")
    shown = ImageOps.exif_transpose(stored)
    if shown.size != (W, H):
        fail(f"shown size is {shown.size}, expected {(W, H)}")
    # a small version of what a viewer shows must match the scene as painted
    a = shown.convert("L").resize((48, 32), Image.Resampling.BOX)
    b = upright.convert("L").resize((48, 32), Image.Resampling.BOX)
    diff = ImageChops.difference(a, b).getextrema()[1]
    if diff >= 12:
        fail(f"the image shown differs from the scene (max difference {diff})")
    # and the sun sits where it was painted, right of centre on the horizon, below the sky
    sun_x, sun_y = SUN[0] * 48 // W, SUN[1] * 32 // H
    brightest = max((a.getpixel((x, y)), x, y) for x in range(48) for y in range(32))
    if abs(brightest[1] - sun_x) > 1 or abs(brightest[2] - sun_y) > 1:
        fail(f"the brightest spot is at {brightest[1:]} of 48x32, not the sun at {(sun_x, sun_y)}")


def main():
    upright = paint()
    data = encode(upright)
    check(data, upright)
    OUT.write_bytes(data)
    print(f"{OUT}: {len(data) // 1024} KiB, stored {H}x{W}, EXIF orientation 6, shown {W}x{H}")
    if len(sys.argv) > 1:  # optional: also save the upright scene as PNG, for a look
        upright.save(sys.argv[1])


if __name__ == "__main__":
    main()
