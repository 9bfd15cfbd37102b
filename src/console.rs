//! What the binary shows on the terminal: the progress bar, a finished run's summary, a study's
//! table, a memory estimate and error messages; and the peak resident memory, read from
//! `/proc/self/status` for the run summary.

use std::io::{self, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use fleetsim::memory::{self, MemoryEstimate};
use fleetsim::outcome::Perspective;
use fleetsim::scenario::Role;
use fleetsim::stats::Summary;
use fleetsim::stats::paired::{Findings, Row};
use fleetsim::studies::StudyOutcome;
use fleetsim::{Error, Progress, RunOutcome};

/// Prints a line to stdout, ignoring a closed pipe (`fleetsim … | head` must not panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
pub(crate) use say;

/// A library error as the lines printed on stderr, each starting `error: `: a located problem
/// per line for invalid scenarios, policies and tables.
pub fn error_text(e: &Error) -> String {
    match e {
        Error::Invalid(d) => d
            .to_string()
            .lines()
            .map(|l| format!("error: {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Error::Policy(lines) | Error::Tables(lines) => lines
            .iter()
            .map(|l| format!("error: {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("error: {other}"),
    }
}

/// The library's progress, shown on an indicatif bar on stderr; indicatif keeps it hidden when
/// stderr is not a terminal.
pub struct Bar(ProgressBar);

impl Bar {
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} replications, ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Bar(bar)
    }

    /// Takes the bar off the terminal, before what follows is printed.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, scenario: &str, replications: u64) {
        self.0.set_length(replications);
        self.0.set_position(0);
        self.0.set_message(scenario.to_owned());
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn warning(&self, text: &str) {
        self.0.suspend(|| eprintln!("warning: {text}"));
    }
}

/// One paragraph per finished scenario: where it went and its headline figures, then per
/// regime what victims were paid and each party's average annual loss from each perspective.
pub fn run_summary(run: &RunOutcome) {
    // A reader that went away (`fleetsim run … | head`) is no error: stop writing quietly.
    let _ = write_run_summary(&mut io::stdout().lock(), run);
}

fn write_run_summary(out: &mut impl Write, run: &RunOutcome) -> io::Result<()> {
    let s = &run.scenario;
    let summary = &run.summary;
    let ground_up = summary.layout.total(0, Perspective::GroundUp);
    let total = &summary.columns[ground_up];
    writeln!(
        out,
        "{}: {} replications × {} years × {} devices in {:.2} s → {}",
        s.name,
        s.replications,
        s.horizon_years,
        s.device_count(),
        run.manifest.wall_time_seconds,
        run.folder.display()
    )?;
    writeln!(
        out,
        "  ground-up AAL {:.0} {} ± {:.0} (SE), 1-in-100 AEP {}",
        total.aal,
        s.currency,
        total.aal_se,
        rp100(summary, ground_up).map_or("n/a (run shorter than 100 years)".to_owned(), |v| {
            format!("{v:.0}")
        })
    )?;
    writeln!(
        out,
        "  memory: estimated {}, peak resident {}",
        memory::mib(run.estimate.bytes() as f64),
        peak_resident().map_or("unknown".to_owned(), |b| memory::mib(b as f64))
    )?;
    if let Some(x) = &summary.systemic {
        writeln!(
            out,
            "  systemic events: AAL {:.0} ± {:.0}, independent incidents {:.0} ± {:.0} (SE)",
            x.systemic.0, x.systemic.1, x.independent.0, x.independent.1
        )?;
    }
    if let Some(b) = &summary.botnet {
        writeln!(
            out,
            "  botnet: peak {:.0} fleet devices ({:.0} bots in all), {:.0} recruitments of which {:.0} reinfections (means per outbreak)",
            b.peak_fleet_infected, b.peak_total_infected, b.recruited, b.reinfected
        )?;
    }
    for r in 0..s.terms.liability.regimes.len() {
        write_regime(out, run, r)?;
    }
    Ok(())
}

/// A regime's line of the run summary: what victims were paid, then each party's AALs.
fn write_regime(out: &mut impl Write, run: &RunOutcome, r: usize) -> io::Result<()> {
    let s = &run.scenario;
    let summary = &run.summary;
    let layout = &summary.layout;
    let aal = |col: usize| summary.columns[col].aal;
    writeln!(
        out,
        "  {}: paid to victims {:.0}, uncompensated {:.0}, recalls {:.0}, fines {:.0} (AAL, {})",
        s.terms.liability.regimes[r].name(),
        aal(layout.total(r, Perspective::Paid)),
        aal(layout.total(r, Perspective::Uncompensated)),
        aal(layout.total(r, Perspective::Recall)),
        aal(layout.total(r, Perspective::Fines)),
        s.currency
    )?;
    writeln!(
        out,
        "    {:<22} {:>13} {:>13} {:>13} {:>15}",
        "party (AAL)", "gross", "net", "retained", "1-in-100 net"
    )?;
    for (p, party) in s.parties.iter().enumerate() {
        let p = p as u16;
        if party.has(Role::Insurer) {
            let col = layout.party(r, p, Perspective::Insurer);
            if aal(col) > 0.0 {
                writeln!(
                    out,
                    "    {:<22} {:>13} {:>13.0} {:>13} {:>15}",
                    party.name,
                    "",
                    aal(col),
                    "",
                    money(rp100(summary, col))
                )?;
            }
            continue;
        }
        let [g, n, k] = [Perspective::Gross, Perspective::Net, Perspective::Retained]
            .map(|x| layout.party(r, p, x));
        if aal(g) > 0.0 || aal(n) > 0.0 {
            writeln!(
                out,
                "    {:<22} {:>13.0} {:>13.0} {:>13.0} {:>15}",
                party.name,
                aal(g),
                aal(n),
                aal(k),
                money(rp100(summary, n))
            )?;
        }
    }
    Ok(())
}

/// The 1-in-100 annual loss of a series, when the run is long enough to have one.
fn rp100(summary: &Summary, col: usize) -> Option<f64> {
    summary.columns[col]
        .aep
        .iter()
        .find(|(t, _)| *t == 100.0)
        .and_then(|(_, v)| *v)
}

fn money(v: Option<f64>) -> String {
    v.map_or("n/a".to_owned(), |v| format!("{v:.0}"))
}

/// The study's rows for the victims and each party in the chosen perspective, as a table.
pub fn study_table(o: &StudyOutcome) {
    let _ = write_study_table(&mut io::stdout().lock(), o);
}

fn write_study_table(out: &mut impl Write, o: &StudyOutcome) -> io::Result<()> {
    let info = &o.info;
    writeln!(
        out,
        "{}: {}, {} runs ({} replications × {} years, seed {}) in {:.2} s → {}",
        info.scenario,
        info.kind,
        info.variants.len(),
        info.replications,
        info.horizon_years,
        info.seed,
        info.wall_time_seconds,
        o.folder.display()
    )?;
    let persp = info.perspective.as_str();
    match &o.findings {
        Findings::Compare(rows) => {
            for v in info.variants.iter().skip(1) {
                let mine: Vec<Row> = rows
                    .iter()
                    .filter(|r| r.variant == v.label)
                    .cloned()
                    .collect();
                if !mine.is_empty() {
                    let title = format!(
                        "policy {} vs baseline ({}, {persp})",
                        v.label, mine[0].regime
                    );
                    write_rows(out, &title, &mine, persp)?;
                }
            }
        }
        Findings::Sweep { points, .. } => {
            for p in points.iter().skip(1) {
                if let Some(first) = p.rows.first() {
                    let title = format!("{} vs the first point", first.variant);
                    write_rows(out, &title, &p.rows, persp)?;
                }
            }
        }
        Findings::Sensitivity(swings) => {
            for s in swings {
                let title = format!("{}: {} → {}", s.field, s.low, s.high);
                write_rows(out, &title, &s.rows, persp)?;
            }
        }
    }
    Ok(())
}

/// One comparison of a study's table: the AAL of the victims and of each party in the
/// perspective `persp`, under the first row's regime.
fn write_rows(out: &mut impl Write, title: &str, rows: &[Row], persp: &str) -> io::Result<()> {
    writeln!(out, "  {title}")?;
    writeln!(
        out,
        "    {:<26} {:>12} {:>12} {:>12} {:>27} {:>27}",
        "AAL", "from", "to", "change", "95 % interval (paired)", "unpaired"
    )?;
    for r in rows
        .iter()
        .filter(|r| r.metric == "aal" && r.is_headline(&rows[0].regime, persp))
    {
        let d = &r.delta;
        let name = if r.party == "total" {
            "victims' damages".to_owned()
        } else {
            r.party.clone()
        };
        writeln!(
            out,
            "    {:<26} {:>12.0} {:>12.0} {:>12.0} {:>27} {:>27}",
            name,
            d.baseline,
            d.variant,
            d.difference,
            format!("{:.0} … {:.0}", d.paired.0, d.paired.1),
            format!("{:.0} … {:.0}", d.unpaired.0, d.unpaired.1)
        )?;
    }
    Ok(())
}

/// A run's memory estimate, its total first, then its parts phase by phase.
pub fn estimate(name: &str, e: &MemoryEstimate, available: u64) {
    say!(
        "{name}: needs about {} of memory ({} available)",
        memory::mib(e.bytes() as f64),
        memory::mib(available as f64)
    );
    for line in e.detail().split("; ") {
        say!("  {line}");
    }
}

/// This process's peak resident memory so far, in bytes (Linux only).
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
