//! Charts as plain descriptions (what to draw) and their drawing with plotters, to SVG and PNG
//! alike, into a folder's `charts/` for runs and studies alike ([`draw_charts`]). The report
//! module decides what each chart shows; this module only draws.
//!
//! Text is laid out with the DejaVu Sans font that the `dejavu` crate ships, registered with
//! plotters' `ab_glyph` backend, so no system font or library is needed. SVG text names the
//! same font, falling back to the browser's sans-serif.

use std::error::Error as StdError;
use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format;
use super::staging::{io, write_file};
use crate::error::{Error, Result};

/// The font family charts use: the name under which DejaVu Sans is registered, and the CSS
/// font list that SVG text carries.
pub const FONT: &str = "DejaVu Sans, sans-serif";

/// Distinct colours (Tableau 10), in order of use.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The colour of palette slot `i`, wrapping.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Registers the shipped font with plotters, once per process.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are the crate's own, checked TrueType files: registration cannot fail on
        // them, and a chart would only lose its text if it did.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A chart to draw: a file name, a title, a caption for the report, its size and its plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File name without extension, in `charts/`.
    pub file: &'static str,
    pub title: String,
    /// One sentence on what the chart shows, for the report.
    pub caption: String,
    pub width: u32,
    pub height: u32,
    pub plot: Plot,
}

/// The kinds of plot.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// Small multiples of line charts with bands.
    Panels(Vec<Panel>),
    /// Horizontal grouped bars with intervals.
    Bars(Bars),
    /// A horizontal waterfall.
    Waterfall(Waterfall),
    /// Small multiples of histograms.
    Histograms(Vec<Histogram>),
    /// Small multiples of tornado diagrams.
    Tornadoes(Vec<Tornado>),
}

/// An axis: its description and how its tick labels read.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub desc: String,
    pub scale: Scale,
}

impl Axis {
    /// A money axis: `what (currency)`, with abbreviated money labels.
    pub fn money(what: &str, currency: &str) -> Self {
        Self {
            desc: format!("{what} ({currency})"),
            scale: Scale::Money,
        }
    }
}

/// How an axis' values are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Plain numbers.
    Plain,
    /// Abbreviated money.
    Money,
    /// The values are log10 of the quantity; ticks at powers of ten.
    Log10,
    /// log10 of money; ticks at powers of ten, abbreviated.
    Log10Money,
    /// Calendar years: whole years labelled as written (2027), ticks between them unlabelled.
    Year,
}

impl Scale {
    fn label(self, v: f64) -> String {
        match self {
            Scale::Plain => format::significant(v, 4),
            Scale::Money => format::money(v),
            Scale::Year if (v - v.round()).abs() > 1e-6 => String::new(),
            Scale::Year => format!("{}", v.round() as i64),
            Scale::Log10 | Scale::Log10Money => {
                if (v - v.round()).abs() > 1e-6 {
                    return String::new();
                }
                let x = 10f64.powf(v.round());
                if self == Scale::Log10 {
                    format::significant(x, 6)
                } else {
                    format::money(x)
                }
            }
        }
    }

    fn is_log(self) -> bool {
        matches!(self, Scale::Log10 | Scale::Log10Money)
    }
}

/// A line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub colour: usize,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// A shaded band between two curves at the same x.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub name: String,
    pub colour: usize,
    /// `(x, low, high)`.
    pub points: Vec<(f64, f64, f64)>,
}

/// One line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub bands: Vec<Band>,
    pub lines: Vec<Line>,
}

/// A value with an optional interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarValue {
    pub value: f64,
    pub interval: Option<(f64, f64)>,
}

/// Horizontal grouped bars: one row per category, one bar per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub categories: Vec<String>,
    pub groups: Vec<String>,
    /// `[category][group]`; `None`: no bar.
    pub values: Vec<Vec<Option<BarValue>>>,
    pub x: Axis,
}

/// How a waterfall step is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepKind {
    /// A total from zero.
    Total,
    /// A rise of the running total.
    Up,
    /// A fall of the running total.
    Down,
    /// A share of the last total, in a palette colour.
    Part(usize),
}

/// One bar of a waterfall, from `from` to `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub label: String,
    pub from: f64,
    pub to: f64,
    pub kind: StepKind,
}

/// A horizontal waterfall, first step at the top.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    pub steps: Vec<Step>,
    pub x: Axis,
}

/// One histogram: bins as `(low, high, share)` on the x axis' scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub title: String,
    pub x: Axis,
    pub bins: Vec<(f64, f64, f64)>,
    pub colour: usize,
    /// A line under the title, e.g. the share of years with no loss.
    pub note: String,
}

/// A tornado diagram: per parameter (largest swing first, at the top), a bar from the metric
/// at the parameter's low value to the metric at its high value, across the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub title: String,
    pub x: Axis,
    /// The baseline's value, where the bars meet.
    pub base: f64,
    /// `(parameter, value at low, value at high)`.
    pub rows: Vec<(String, f64, f64)>,
}

type DrawResult = Result<(), Box<dyn StdError>>;

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, String> {
    register_fonts();
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (chart.width, chart.height)).into_drawing_area();
        draw(chart, &root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Draws the chart into a PNG file at `path`.
pub fn png(chart: &Chart, path: &Path) -> Result<(), String> {
    register_fonts();
    let root = BitMapBackend::new(path, (chart.width, chart.height)).into_drawing_area();
    draw(chart, &root).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn font(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

fn bold(size: f64) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&BLACK)
}

/// Draws `chart` on `root`: the white page, the title, then the plot.
fn draw<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let area = root.titled(&chart.title, bold(22.0))?;
    match &chart.plot {
        Plot::Panels(panels) => {
            for (p, a) in panels.iter().zip(grid(&area, panels.len())) {
                draw_panel(p, &a)?;
            }
        }
        Plot::Histograms(hists) => {
            for (h, a) in hists.iter().zip(grid(&area, hists.len())) {
                draw_histogram(h, &a)?;
            }
        }
        Plot::Tornadoes(ts) => {
            for (t, a) in ts.iter().zip(grid(&area, ts.len())) {
                draw_tornado(t, &a)?;
            }
        }
        Plot::Bars(b) => draw_bars(b, &area)?,
        Plot::Waterfall(w) => draw_waterfall(w, &area)?,
    }
    Ok(())
}

/// Rows of panels needed for `n` small multiples: one column for one panel, else two.
pub fn grid_rows(n: usize) -> usize {
    if n <= 1 { 1 } else { n.div_ceil(2) }
}

/// The height of a chart of `n` small multiples: a title band and 320 pixels a row.
pub fn panels_height(n: usize) -> u32 {
    60 + 320 * grid_rows(n) as u32
}

fn grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
) -> Vec<DrawingArea<DB, Shift>> {
    let cols = if n <= 1 { 1 } else { 2 };
    area.split_evenly((grid_rows(n), cols))
}

/// The range of values with a little room; a flat or empty range becomes [0, 1].
fn padded(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo < 1e-12 {
        return (lo, lo + 1.0);
    }
    let pad = (hi - lo) * 0.05;
    (
        if from_zero && lo >= 0.0 { lo } else { lo - pad },
        if from_zero && hi <= 0.0 { hi } else { hi + pad },
    )
}

/// Tick labels for an axis with range `(lo, hi)`: integers only on a log axis.
fn label_count(axis: &Axis, range: (f64, f64)) -> usize {
    if axis.scale.is_log() {
        ((range.1.floor() - range.0.ceil()) as usize + 1).max(2)
    } else {
        6
    }
}

fn draw_panel<DB: DrawingBackend>(p: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let xs = p
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|q| q.0))
        .chain(p.bands.iter().flat_map(|b| b.points.iter().map(|q| q.0)));
    let xr = padded(xs, false);
    let xr = (
        p.lines
            .iter()
            .flat_map(|l| l.points.iter().map(|q| q.0))
            .chain(p.bands.iter().flat_map(|b| b.points.iter().map(|q| q.0)))
            .fold(f64::INFINITY, f64::min)
            .min(xr.1),
        xr.1,
    );
    let xr = if xr.0.is_finite() && xr.1 > xr.0 {
        (xr.0, xr.1)
    } else {
        (0.0, 1.0)
    };
    let ys = p
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|q| q.1))
        .chain(
            p.bands
                .iter()
                .flat_map(|b| b.points.iter().flat_map(|q| [q.1, q.2])),
        );
    let yr = padded(ys, !p.y.scale.is_log());
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, bold(16.0))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    let (xs, ys) = (p.x.scale, p.y.scale);
    chart
        .configure_mesh()
        .x_desc(p.x.desc.as_str())
        .y_desc(p.y.desc.as_str())
        .x_labels(label_count(&p.x, xr))
        .y_labels(label_count(&p.y, yr))
        .x_label_formatter(&|v| xs.label(*v))
        .y_label_formatter(&|v| ys.label(*v))
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()?;
    for b in &p.bands {
        let c = colour(b.colour);
        let mut poly: Vec<(f64, f64)> = b.points.iter().map(|&(x, _, hi)| (x, hi)).collect();
        poly.extend(b.points.iter().rev().map(|&(x, lo, _)| (x, lo)));
        chart
            .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))?
            .label(b.name.as_str())
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 20, y + 5)], c.mix(0.18).filled())
            });
    }
    for l in &p.lines {
        let c = colour(l.colour);
        let style = c.stroke_width(2);
        if l.dashed {
            chart
                .draw_series(DashedLineSeries::new(l.points.iter().copied(), 6, 4, style))?
                .label(l.name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], style));
        } else {
            chart
                .draw_series(LineSeries::new(l.points.iter().copied(), style))?
                .label(l.name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
    }
    let corner = emptiest_corner(p, xr, yr);
    chart
        .configure_series_labels()
        .position(corner)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(font(12.0))
        .draw()?;
    Ok(())
}

/// The corner of a panel that its lines and bands cross least, for the legend: a box of 45 %
/// of the width and 30 % of the height in each corner, counting the points inside it.
fn emptiest_corner(p: &Panel, xr: (f64, f64), yr: (f64, f64)) -> SeriesLabelPosition {
    let (w, h) = (xr.1 - xr.0, yr.1 - yr.0);
    let points: Vec<(f64, f64)> = p
        .lines
        .iter()
        .flat_map(|l| l.points.iter().copied())
        .chain(
            p.bands
                .iter()
                .flat_map(|b| b.points.iter().flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)])),
        )
        .map(|(x, y)| ((x - xr.0) / w, (y - yr.0) / h))
        .collect();
    let count = |left: bool, upper: bool| {
        points
            .iter()
            .filter(|&&(x, y)| {
                (if left { x < 0.45 } else { x > 0.55 }) && (if upper { y > 0.7 } else { y < 0.3 })
            })
            .count()
    };
    // Upper corners first: that is where a reader looks for a legend, so ties go there.
    [
        (SeriesLabelPosition::UpperLeft, count(true, true)),
        (SeriesLabelPosition::UpperRight, count(false, true)),
        (SeriesLabelPosition::LowerRight, count(false, false)),
        (SeriesLabelPosition::LowerLeft, count(true, false)),
    ]
    .into_iter()
    .min_by_key(|c| c.1)
    .map_or(SeriesLabelPosition::UpperLeft, |c| c.0)
}

fn draw_histogram<DB: DrawingBackend>(h: &Histogram, area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let lo = h.bins.first().map_or(0.0, |b| b.0);
    let hi = h.bins.last().map_or(1.0, |b| b.1);
    let xr = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let ymax = h.bins.iter().map(|b| b.2).fold(0.0, f64::max).max(1e-9) * 1.1;
    let title = if h.note.is_empty() {
        h.title.clone()
    } else {
        format!("{} ({})", h.title, h.note)
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, bold(15.0))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(xr.0..xr.1, 0.0..ymax)?;
    let xs = h.x.scale;
    chart
        .configure_mesh()
        .x_desc(h.x.desc.as_str())
        .y_desc("share of years")
        .x_labels(label_count(&h.x, xr))
        .x_label_formatter(&|v| xs.label(*v))
        .y_label_formatter(&|v| format::percent(*v))
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()?;
    let c = colour(h.colour);
    chart.draw_series(
        h.bins
            .iter()
            .map(|&(a, b, s)| Rectangle::new([(a, 0.0), (b, s)], c.mix(0.75).filled())),
    )?;
    Ok(())
}

/// Row `i` of `n` categories, top to bottom, as a y coordinate (the first row is highest).
fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The category at y, if y is a row's centre.
fn row_label(categories: &[String], y: f64) -> String {
    let n = categories.len();
    if (y - y.round()).abs() > 1e-6 || y.round() < 0.0 || y.round() as usize >= n {
        return String::new();
    }
    categories[n - 1 - y.round() as usize].clone()
}

/// Width in pixels of the widest label at 12 px, for the label area.
fn label_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
    (longest as u32 * 7 + 16).clamp(60, 300)
}

/// The mesh of a chart with one row per category: values on x with the axis' labels, the
/// categories' names on y (the first at the top), vertical grid lines only.
fn draw_row_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x: &Axis,
    xr: (f64, f64),
    categories: &[String],
    size: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let xs = x.scale;
    chart
        .configure_mesh()
        .x_desc(x.desc.as_str())
        .x_labels(label_count(x, xr))
        .y_labels(categories.len().max(1) + 1)
        .x_label_formatter(&|v| xs.label(*v))
        .y_label_formatter(&|v| row_label(categories, *v))
        .label_style(font(size))
        .axis_desc_style(font(size + 1.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .disable_y_mesh()
        .draw()?;
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(b: &Bars, area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let n = b.categories.len().max(1);
    let values = b.values.iter().flatten().flatten().flat_map(|v| {
        [
            v.value,
            v.interval.map_or(v.value, |i| i.0),
            v.interval.map_or(v.value, |i| i.1),
        ]
    });
    let xr = padded(values, true);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(label_width(&b.categories))
        .build_cartesian_2d(xr.0..xr.1, -0.5..(n as f64 - 0.5))?;
    draw_row_mesh(&mut chart, &b.x, xr, &b.categories, 12.0)?;
    let g = b.groups.len().max(1);
    let h = 0.8 / g as f64;
    for (gi, name) in b.groups.iter().enumerate() {
        let c = colour(gi);
        let bars = b.values.iter().enumerate().filter_map(|(ci, row)| {
            let v = row.get(gi).copied().flatten()?;
            let top = row_y(ci, n) + 0.4 - gi as f64 * h;
            Some((top, v))
        });
        let bars: Vec<_> = bars.collect();
        chart
            .draw_series(bars.iter().map(|&(top, v)| {
                Rectangle::new([(0.0, top), (v.value, top - h * 0.9)], c.filled())
            }))?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        chart.draw_series(bars.iter().filter_map(|&(top, v)| {
            let (lo, hi) = v.interval?;
            Some(ErrorBar::new_horizontal(
                top - h * 0.45,
                lo,
                v.value,
                hi,
                BLACK.stroke_width(1),
                6,
            ))
        }))?;
    }
    // The legend goes where the bars are not: away from zero's side of the longest bars.
    let right = b
        .values
        .iter()
        .flatten()
        .flatten()
        .map(|v| v.value)
        .sum::<f64>()
        >= 0.0;
    chart
        .configure_series_labels()
        .position(if right {
            SeriesLabelPosition::LowerRight
        } else {
            SeriesLabelPosition::LowerLeft
        })
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(font(12.0))
        .draw()?;
    Ok(())
}

fn draw_tornado<DB: DrawingBackend>(t: &Tornado, area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let n = t.rows.len().max(1);
    let values = t
        .rows
        .iter()
        .flat_map(|r| [r.1, r.2])
        .chain(std::iter::once(t.base));
    let xr = padded(values, false);
    let cats: Vec<String> = t.rows.iter().map(|r| r.0.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(&t.title, bold(15.0))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(label_width(&cats))
        .build_cartesian_2d(xr.0..xr.1, -0.5..(n as f64 - 0.5))?;
    draw_row_mesh(&mut chart, &t.x, xr, &cats, 11.0)?;
    let (low, high) = (colour(0), colour(1));
    for (i, &(_, lo, hi)) in t.rows.iter().enumerate() {
        let y = row_y(i, n);
        chart.draw_series([
            Rectangle::new([(t.base, y + 0.35), (lo, y - 0.35)], low.filled()),
            Rectangle::new([(t.base, y + 0.35), (hi, y - 0.35)], high.filled()),
        ])?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(t.base, -0.5), (t.base, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))?
        .label("baseline")
        .legend(|(x, y)| {
            PathElement::new(vec![(x + 7, y - 6), (x + 7, y + 6)], BLACK.stroke_width(1))
        });
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
        .label("at the low value")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], low.filled()));
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
        .label("at the high value")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], high.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(font(11.0))
        .draw()?;
    Ok(())
}

fn draw_waterfall<DB: DrawingBackend>(w: &Waterfall, area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let n = w.steps.len().max(1);
    let labels: Vec<String> = w.steps.iter().map(|s| s.label.clone()).collect();
    let xr = padded(w.steps.iter().flat_map(|s| [s.from, s.to]), true);
    // Room on the right for the value labels.
    let xr = (xr.0, xr.1 + (xr.1 - xr.0) * 0.12);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(label_width(&labels))
        .build_cartesian_2d(xr.0..xr.1, -0.5..(n as f64 - 0.5))?;
    draw_row_mesh(&mut chart, &w.x, xr, &labels, 12.0)?;
    let total = RGBColor(40, 60, 90);
    let (up, down) = (RGBColor(214, 39, 40), RGBColor(44, 160, 44));
    for (i, s) in w.steps.iter().enumerate() {
        let y = row_y(i, n);
        let c = match s.kind {
            StepKind::Total => total,
            // A rise in what someone must pay is drawn red, a fall green.
            StepKind::Up => up,
            StepKind::Down => down,
            StepKind::Part(k) => colour(k),
        };
        let (a, b) = (s.from.min(s.to), s.from.max(s.to));
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a, y + 0.35), (b, y - 0.35)],
            c.filled(),
        )))?;
        let delta = s.to - s.from;
        let text = match s.kind {
            StepKind::Total | StepKind::Part(_) => format::money(delta.abs()),
            _ if delta >= 0.0 => format!("+{}", format::money(delta)),
            _ => format!("−{}", format::money(-delta)),
        };
        let style = font(12.0).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(std::iter::once(Text::new(
            format!(" {text}"),
            (b, y),
            style,
        )))?;
        // Connect each bar's end to the next bar's start, as waterfalls do.
        if let Some(next) = w.steps.get(i + 1) {
            let x = if matches!(next.kind, StepKind::Total) {
                s.to
            } else {
                next.from
            };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, y - 0.35), (x, y - 0.65)],
                BLACK.mix(0.4).stroke_width(1),
            )))?;
        }
    }
    Ok(())
}

/// Draws `charts` into `target/charts/` as `<name>.svg` and `<name>.png`; returns each SVG
/// document, for the page to inline. Runs and studies draw theirs this way.
pub(crate) fn draw_charts(target: &Path, charts: &[Chart]) -> Result<Vec<String>> {
    let dir = target.join("charts");
    // Not `create_dir_all`: if a signal handler has removed `target` meanwhile, this must fail
    // rather than bring it back.
    std::fs::create_dir(&dir).map_err(io(&dir))?;
    let chart_error = |path: &Path, e: String| Error::Report {
        path: path.to_owned(),
        message: format!("cannot draw the chart: {e}"),
    };
    let mut svgs = Vec::with_capacity(charts.len());
    for c in charts {
        let svg_path = dir.join(format!("{}.svg", c.file));
        let svg = svg(c).map_err(|e| chart_error(&svg_path, e))?;
        write_file(&svg_path, svg.as_bytes())?;
        let png_path = dir.join(format!("{}.png", c.file));
        png(c, &png_path).map_err(|e| chart_error(&png_path, e))?;
        svgs.push(svg);
    }
    Ok(svgs)
}
