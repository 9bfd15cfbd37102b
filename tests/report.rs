//! The charts and the HTML report end to end: every chart is a valid PNG and SVG of its size
//! with its text drawn, the report is one self-contained page, `fleetsim report` rebuilds the
//! same bytes from the saved tables, `--no-report` draws nothing, and bad folders get clear
//! errors. (The browser check is `tests/browser/run.sh`; CI runs it.)

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const BP: &str = "scenarios/bp_monitors.toml";

/// The charts of a one-regime scenario without a botnet, with a word of each title.
const CHARTS: [(&str, &str); 6] = [
    ("ep_curves", "Exceedance probability"),
    ("aal_by_party", "Expected annual loss by party"),
    ("waterfall", "Where the money goes"),
    ("loss_distribution", "Distribution of yearly loss"),
    ("incidents", "Incidents over time"),
    ("convergence", "Convergence of the estimates"),
];

fn fleetsim() -> Command {
    let mut cmd = Command::cargo_bin("fleetsim").expect("the fleetsim binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs `scenario` with a few replications into `out`; returns its folder.
fn run(scenario: &str, out: &Path, extra: &[&str]) -> PathBuf {
    fleetsim()
        .args([
            "run",
            scenario,
            "--replications",
            "12",
            "--threads",
            "2",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    let name = Path::new(scenario).file_stem().expect("a file name");
    out.join(name)
}

/// The value of attribute `name` in the first `<svg …>` tag.
fn svg_size(svg: &str) -> (u32, u32) {
    let tag = &svg[svg.find("<svg").expect("an <svg> tag")..];
    let tag = &tag[..tag.find('>').expect("the tag closes")];
    let attr = |name: &str| -> u32 {
        let at = tag
            .find(&format!(" {name}=\""))
            .unwrap_or_else(|| panic!("no {name} in {tag}"));
        let rest = &tag[at + name.len() + 3..];
        rest[..rest.find('"').expect("quoted")]
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a number in {tag}"))
    };
    (attr("width"), attr("height"))
}

/// A decoded PNG as width, height and RGB(A) rows.
struct Image {
    width: u32,
    height: u32,
    channels: usize,
    pixels: Vec<u8>,
}

impl Image {
    fn read(path: &Path) -> Image {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", path.display()));
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader
            .next_frame(&mut pixels)
            .unwrap_or_else(|e| panic!("{}: bad PNG data: {e}", path.display()));
        pixels.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            channels: info.color_type.samples(),
            pixels,
        }
    }

    /// The share of pixels in rows `rows` that are dark (text and lines, not white or a
    /// light fill).
    fn dark_share(&self, rows: std::ops::Range<u32>) -> f64 {
        let row_len = self.width as usize * self.channels;
        let mut dark = 0usize;
        let mut all = 0usize;
        for y in rows {
            let row = &self.pixels[y as usize * row_len..(y as usize + 1) * row_len];
            for px in row.chunks(self.channels) {
                all += 1;
                if px[..3].iter().all(|&c| c < 110) {
                    dark += 1;
                }
            }
        }
        dark as f64 / all.max(1) as f64
    }
}

/// Every chart is written as an SVG of its size holding its title's text, and as a PNG of the
/// same size with the title drawn (dark pixels in the top band) and the plot drawn below it.
#[test]
fn charts_are_valid_images_with_their_text() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = run(BP, tmp.path(), &[]);
    let mut files: Vec<String> = fs::read_dir(dir.join("charts"))
        .expect("a charts folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = CHARTS
        .iter()
        .flat_map(|(c, _)| [format!("{c}.png"), format!("{c}.svg")])
        .collect();
    expected.sort();
    // One regime and no botnet: no regimes or botnet chart.
    assert_eq!(files, expected);
    for (chart, title) in CHARTS {
        let svg = fs::read_to_string(dir.join("charts").join(format!("{chart}.svg")))
            .expect("an SVG file");
        let (w, h) = svg_size(&svg);
        assert_eq!(w, 1000, "{chart}");
        assert!((300..3000).contains(&h), "{chart}: height {h}");
        assert!(svg.contains(title), "{chart}.svg lacks its title {title:?}");
        assert!(
            svg.contains("(EUR)") || chart == "incidents",
            "{chart}: currency"
        );
        assert!(
            svg.trim_end().ends_with("</svg>"),
            "{chart}.svg is complete"
        );

        let png = Image::read(&dir.join("charts").join(format!("{chart}.png")));
        assert_eq!((png.width, png.height), (w, h), "{chart}.png");
        let title_band = png.dark_share(0..30);
        assert!(
            title_band > 0.01,
            "{chart}.png: title band blank ({title_band})"
        );
        let body = png.dark_share(40..h);
        assert!(body > 0.005, "{chart}.png: nothing drawn ({body})");
    }

    // A scenario with an outbreak also charts the botnet.
    let cams = run("scenarios/smart_cameras.toml", tmp.path(), &["--no-elt"]);
    let svg = fs::read_to_string(cams.join("charts/botnet.svg")).expect("botnet.svg");
    assert!(svg.contains("Botnet size"));
    let png = Image::read(&cams.join("charts/botnet.png"));
    assert_eq!((png.width, png.height), svg_size(&svg));
}

/// The report is one page that needs nothing else: every chart inline, no address on the
/// network, no script or style from elsewhere; it names the scenario, its figures and its run.
#[test]
fn report_is_self_contained_and_complete() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = run(BP, tmp.path(), &[]);
    let page = fs::read_to_string(dir.join("report.html")).expect("report.html");
    for bad in [
        "http:",
        "https:",
        "<script src",
        "<link",
        "<img src=\"charts",
        "url(",
    ] {
        assert!(!page.contains(bad), "report.html holds {bad:?}");
    }
    assert_eq!(page.matches("<figure").count(), CHARTS.len());
    assert_eq!(page.matches("<svg").count(), CHARTS.len());
    assert_eq!(page.matches("<figcaption").count(), CHARTS.len());
    for (_, title) in CHARTS {
        assert!(page.contains(title), "report lacks the chart {title:?}");
    }
    let loaded = fleetsim::scenario::load(Path::new(env!("CARGO_MANIFEST_DIR")).join(BP).as_path())
        .expect("bundled scenario loads");
    for needle in [
        "<h1>bp_monitors</h1>",
        "Remote blood-pressure monitors in 2027-2031",
        "1-in-100 AEP",
        "1-in-250 AEP",
        "1-in-100 TVaR",
        "MediSense (retained)",
        loaded.sha256.as_str(),
    ] {
        assert!(page.contains(needle), "report lacks {needle:?}");
    }
    // 12 replications of 5 years cannot support a 1-in-250 year: the report says so.
    assert!(
        page.contains("Return periods longer than the run"),
        "no warning"
    );
    assert!(page.trim_end().ends_with("</html>"));

    let index = fs::read_to_string(tmp.path().join("index.html")).expect("index.html");
    assert!(
        index.contains("href=\"bp_monitors/report.html\""),
        "{index}"
    );
    assert!(!index.contains("http:") && !index.contains("https:"));
}

/// The report is drawn from the saved tables only: rebuilding it from the folder gives the
/// same bytes, and a different perspective gives a different page.
#[test]
fn report_command_rebuilds_the_same_report() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = run(BP, tmp.path(), &[]);
    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v = vec![(
            "report.html".to_owned(),
            fs::read(dir.join("report.html")).expect("report.html"),
        )];
        let mut charts: Vec<PathBuf> = fs::read_dir(dir.join("charts"))
            .expect("charts")
            .map(|e| e.expect("entry").path())
            .collect();
        charts.sort();
        for c in charts {
            let name = c.file_name().expect("name").to_string_lossy().into_owned();
            v.push((name, fs::read(&c).expect("chart")));
        }
        v
    };
    let first = snapshot(&dir);
    fs::remove_dir_all(dir.join("charts")).expect("remove charts");
    fs::remove_file(dir.join("report.html")).expect("remove report");

    fleetsim().arg("report").arg(&dir).assert().success();
    let again = snapshot(&dir);
    assert_eq!(first.len(), again.len());
    for ((name, a), (_, b)) in first.iter().zip(&again) {
        assert!(a == b, "{name} differs after fleetsim report");
    }
    // Nothing left behind.
    let hidden: Vec<_> = fs::read_dir(&dir)
        .expect("folder")
        .filter_map(|e| {
            let n = e.expect("entry").file_name().to_string_lossy().into_owned();
            n.starts_with('.').then_some(n)
        })
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");

    // The batch folder: every report and the index.
    fs::remove_file(tmp.path().join("index.html")).expect("remove index");
    fleetsim()
        .args(["report", "--perspective", "gross"])
        .arg(tmp.path())
        .assert()
        .success();
    assert!(tmp.path().join("index.html").is_file());
    let gross = fs::read(dir.join("report.html")).expect("report.html");
    assert!(
        gross != first[0].1,
        "the gross perspective changes the page"
    );
    assert!(String::from_utf8_lossy(&gross).contains("MediSense (gross)"));
}

#[test]
fn no_report_draws_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = run(BP, tmp.path(), &["--no-report"]);
    assert!(!dir.join("charts").exists());
    assert!(!dir.join("report.html").exists());
    assert!(!tmp.path().join("index.html").exists());
    assert!(dir.join("summary.csv").is_file());
}

/// A folder that fleetsim did not write, or whose tables were damaged, gets an error naming the
/// file, and no report.
#[test]
fn report_on_a_bad_folder_fails_clearly() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let assert = fleetsim().arg("report").arg(tmp.path()).assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("has no run folder"), "{stderr}");

    let missing = tmp.path().join("missing");
    let assert = fleetsim().arg("report").arg(&missing).assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");

    let dir = run(BP, tmp.path(), &["--no-report"]);
    fs::write(dir.join("summary.csv"), "regime,party\nx,y,z\n").expect("damage");
    let assert = fleetsim().arg("report").arg(&dir).assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("summary.csv"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.join("report.html").exists());
}

/// The report's files of a folder (page and charts) with their bytes, and its hidden entries:
/// what a refused `fleetsim report` must leave as it was.
fn report_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for p in [dir.to_owned(), dir.join("charts")] {
        for e in fs::read_dir(&p).expect("read the folder") {
            let path = e.expect("an entry").path();
            let name = path.display().to_string();
            if path.is_file() && !name.ends_with(".csv") && !name.ends_with(".json") {
                v.push((name, fs::read(&path).expect("read")));
            } else if name.contains("/.") {
                v.push((name, Vec::new()));
            }
        }
    }
    v.sort();
    v
}

/// Tampered tables: non-finite and negative losses, a missing column, huge files and
/// `/dev/zero` are refused with exit code 1 and every problem located by file, line and column,
/// and the folder's report is left as it was.
#[test]
fn tampered_tables_are_refused_located_and_nothing_written() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = run(BP, tmp.path(), &[]);
    let before = report_files(&dir);
    let originals: Vec<(&str, Vec<u8>)> =
        ["ylt.csv", "summary.csv", "incidents.csv", "manifest.json"]
            .into_iter()
            .map(|f| (f, fs::read(dir.join(f)).expect("read a table")))
            .collect();
    let ylt = String::from_utf8(originals[0].1.clone()).expect("UTF-8");
    let lines: Vec<&str> = ylt.lines().collect();
    // Replaces the `col`-th cell (from 0) of line `line` (from 1) of a table's text.
    let set = |text: &str, line: usize, col: usize, value: &str| -> String {
        let mut out: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut cells: Vec<&str> = out[line - 1].split(',').collect();
        cells[col] = value;
        out[line - 1] = cells.join(",");
        out.join("\n") + "\n"
    };
    let mut four = set(&ylt, 2, 5, "inf");
    four = set(&four, 3, 6, "NaN");
    four = set(&four, 5, 5, "-inf");
    four = set(&four, 7, 5, "-3.5");
    let no_largest: String = lines
        .iter()
        .map(|l| l.rsplit_once(',').map_or(*l, |(head, _)| head).to_owned() + "\n")
        .collect();
    let summary = String::from_utf8(originals[1].1.clone()).expect("UTF-8");
    let incidents = String::from_utf8(originals[2].1.clone()).expect("UTF-8");

    enum Damage {
        Text(&'static str, String),
        Sparse(&'static str, u64),
        DevZero(&'static str),
    }
    let cases: Vec<(Damage, Vec<&str>)> = vec![
        (
            Damage::Text("ylt.csv", four),
            vec![
                "ylt.csv: line 2, column `loss`: inf is not allowed; a loss is a finite number ≥ 0",
                "ylt.csv: line 3, column `largest`: NaN is not allowed",
                "ylt.csv: line 5, column `loss`: -inf is not allowed",
                "ylt.csv: line 7, column `loss`: -3.5 is not allowed",
                "4 problems in",
            ],
        ),
        (
            Damage::Text("ylt.csv", no_largest),
            vec!["ylt.csv: line 1 (header), column `largest`: the column is missing"],
        ),
        (
            Damage::Text("summary.csv", set(&summary, 2, 4, "inf")),
            vec![
                "summary.csv: line 2, column `value`: inf is not allowed; `aal` is a finite number ≥ 0",
            ],
        ),
        (
            Damage::Text("incidents.csv", set(&incidents, 3, 2, "-1")),
            vec!["incidents.csv: line 3, column `mean`: -1 is not allowed"],
        ),
        (
            // Short lines, but more of them than the manifest's rows allow for.
            Damage::Text("ylt.csv", format!("{}\n{}", lines[0], "\n".repeat(2 << 20))),
            vec!["ylt.csv: reading stopped: the file is larger than"],
        ),
        (
            Damage::Sparse("ylt.csv", 64 << 30),
            vec!["ylt.csv: reading stopped: line 1 is longer than 65536 bytes"],
        ),
        (
            Damage::DevZero("summary.csv"),
            vec!["summary.csv: reading stopped: line 1 is longer than 65536 bytes"],
        ),
        (
            Damage::DevZero("manifest.json"),
            vec!["manifest.json", "larger than 1048576 bytes"],
        ),
    ];
    for (damage, expected) in cases {
        let file = match &damage {
            Damage::Text(f, text) => {
                fs::write(dir.join(f), text).expect("damage");
                *f
            }
            Damage::Sparse(f, len) => {
                let file = fs::File::create(dir.join(f)).expect("create");
                file.set_len(*len).expect("a sparse file");
                *f
            }
            Damage::DevZero(f) => {
                fs::remove_file(dir.join(f)).expect("remove");
                std::os::unix::fs::symlink("/dev/zero", dir.join(f)).expect("symlink");
                *f
            }
        };
        let started = std::time::Instant::now();
        let assert = fleetsim().arg("report").arg(&dir).assert().code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        for e in &expected {
            assert!(stderr.contains(e), "{file}: expected {e:?} in\n{stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            started.elapsed().as_secs() < 10,
            "{file}: {:?}",
            started.elapsed()
        );
        assert_eq!(report_files(&dir), before, "{file}");
        let _ = fs::remove_file(dir.join(file));
        let original = &originals.iter().find(|(f, _)| *f == file).expect("saved").1;
        fs::write(dir.join(file), original).expect("restore");
    }
    // Restored, the folder reports again.
    fleetsim().arg("report").arg(&dir).assert().success();
}

/// A scenario file is read with a bound too: `/dev/zero` is refused at once.
#[test]
fn a_huge_scenario_file_is_refused() {
    let assert = fleetsim().args(["check", "/dev/zero"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("/dev/zero: the file is larger than 4194304 bytes (4 MiB)"),
        "{stderr}"
    );
}
