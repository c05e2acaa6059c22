"""Draws soak.csv (minute, rss_kib, heap_after_gc_kib, ...) as an SVG line chart and prints the trends.

   python3 soak-svg.py soak.csv soak.svg connections
"""
import csv
import sys

WARM_UP_MINUTES = 10


def slope(xs, ys):
    """Least-squares slope of ys over xs (units of y per unit of x)."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0


def main(source, target, connections):
    rows = list(csv.DictReader(open(source)))
    minutes = [int(r["minute"]) for r in rows]
    series = [("RSS", "#c0392b", [int(r["rss_kib"]) / 1024 for r in rows]),
              ("heap after GC", "#2471a3", [int(r["heap_after_gc_kib"]) / 1024 for r in rows])]
    width, height, left, bottom, top, right = 720, 360, 60, 40, 40, 20
    x_max = max(minutes + [1])
    y_max = max(max(values) for _, _, values in series) * 1.15 or 1
    def px(m): return left + (width - left - right) * m / x_max
    def py(v): return height - bottom - (height - top - bottom) * v / y_max
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14">skerry soak: {connections} connections, 1 s interval, {x_max} min</text>']
    for i in range(6):
        v = y_max * i / 5
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.0f} MiB</text>')
    for i in range(7):
        m = x_max * i / 6
        out.append(f'<text x="{px(m):.1f}" y="{height - bottom + 16}" text-anchor="middle">{m:.0f}</text>')
    out.append(f'<text x="{(left + width) / 2}" y="{height - 6}" text-anchor="middle">minutes</text>')
    for n, (name, colour, values) in enumerate(series):
        points = " ".join(f"{px(m):.1f},{py(v):.1f}" for m, v in zip(minutes, values))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        after = [(m, v) for m, v in zip(minutes, values) if m > WARM_UP_MINUTES] or list(zip(minutes, values))
        trend = slope([m for m, _ in after], [v for _, v in after]) * 60 * 1024
        label = f"{name}: {values[-1]:.1f} MiB at the end, trend {trend:+.0f} KiB/h after minute {WARM_UP_MINUTES}"
        out.append(f'<text x="{left + 10}" y="{top + 16 + 16 * n}" fill="{colour}">{label}</text>')
        print(label)
    out.append("</svg>")
    open(target, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
