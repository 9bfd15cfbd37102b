//! Turns a raw scenario into a typed one, collecting every problem with its field path.
//!
//! Each check appends to one list instead of returning early, so a user fixing a file sees all
//! of its problems in one go. Messages read "found X, expected Y".

use std::collections::BTreeMap;

use rand_distr::{LogNormal, Pareto, Weibull};

use super::check::*;
use super::kinds::*;
use super::path::FieldPath;
use super::raw::*;
use super::shape::did_you_mean;
use super::terms::*;
use super::types::*;

/// Return periods reported when a scenario names none.
pub const DEFAULT_RETURN_PERIODS: &[f64] = &[
    2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0,
];

/// z such that Φ(z) = 0.99, to turn a median and a 99th percentile into σ.
const Z99: f64 = 2.326_347_874_040_840_8;

/// Most replications a scenario may ask for, in its file or on the command line.
pub const MAX_REPLICATIONS: u32 = 10_000_000;

/// Largest fleet a class may declare; the memory check refuses what this machine cannot hold.
const MAX_COUNT: i64 = 100_000_000;

/// Longest scenario name, in bytes. The name becomes folder names (`OUT/<name>`,
/// `OUT/<name>.sensitivity`, and a hidden temporary folder with a suffix), which file systems
/// limit to 255 bytes each; 100 leaves room for every suffix.
pub const MAX_NAME_BYTES: usize = 100;

/// Largest seed a file may give. TOML integers are signed 64-bit, so a larger one is not a
/// TOML integer at all, and the policy overlay, which rereads the file, would refuse it.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// Shortest outbreak step, in minutes.
pub const MIN_STEP_MINUTES: f64 = 0.1;

/// Most outbreak steps: the outbreak keeps a list per step, and a DDoS attack is keyed by its
/// step in 24 bits.
pub const MAX_OUTBREAK_STEPS: f64 = 2_000_000.0;

/// Most DDoS attacks in one outbreak step on average; each attack of a step is keyed by its
/// number below 256, so the mean must stay far below that.
pub const MAX_ATTACKS_PER_STEP: f64 = 25.0;

/// Validates a raw scenario. `Ok` holds the typed scenario; `Err` every problem found.
pub fn validate(raw: &RawScenario) -> Result<Scenario, Vec<Problem>> {
    let mut ck = Checker::default();
    let root = FieldPath::root();

    let sim = &raw.simulation;
    let sp = root.key("simulation");
    simulation_name(&mut ck, &sp.key("name"), &sim.name);
    if sim.seed > MAX_SEED {
        ck.report(
            &sp.key("seed"),
            format!(
                "found {}, expected a whole number from 0 to {MAX_SEED} (2^63 − 1, the largest TOML integer)",
                sim.seed
            ),
        );
    }
    if !(1..=1000).contains(&sim.horizon_years) {
        ck.report(
            &sp.key("horizon_years"),
            format!(
                "found {}, expected a whole number of years from 1 to 1000",
                sim.horizon_years
            ),
        );
    }
    if !(1..=i64::from(MAX_REPLICATIONS)).contains(&sim.replications) {
        ck.report(
            &sp.key("replications"),
            format!(
                "found {}, expected a count from 1 to {MAX_REPLICATIONS}",
                sim.replications
            ),
        );
    }
    let mut return_periods = sim
        .return_periods
        .clone()
        .unwrap_or_else(|| DEFAULT_RETURN_PERIODS.to_vec());
    for (i, &t) in return_periods.iter().enumerate() {
        if !(t.is_finite() && t >= 1.0) {
            ck.report(
                &sp.key("return_periods").index(i),
                format!("found {t}, expected a return period of at least 1 year"),
            );
        }
    }
    if return_periods.is_empty() {
        ck.report(
            &sp.key("return_periods"),
            "found an empty list, expected at least one return period",
        );
    }
    return_periods.sort_by(f64::total_cmp);
    return_periods.dedup();

    // Parties.
    let mut parties = Vec::new();
    let mut known = Parties::default();
    for (i, p) in raw.party.iter().enumerate() {
        let pp = root.key("party").index(i);
        if p.name.trim().is_empty() {
            ck.report(
                &pp.key("name"),
                "found an empty name, expected a party name",
            );
        }
        known.names.push(&p.name);
        if known.index.contains_key(p.name.as_str()) {
            ck.report(
                &pp.key("name"),
                format!(
                    "found \"{}\" again, expected party names to be unique",
                    p.name
                ),
            );
        } else {
            known.index.insert(&p.name, parties.len() as PartyId);
        }
        let role = ck.parse(&pp.key("role"), &p.role, Role::parse, Role::expected);
        known.roles.push(role);
        if let Some(c) = p.capacity {
            ck.positive(&pp.key("capacity"), c, "money per year");
        }
        if let Some(t) = p.turnover {
            ck.positive(&pp.key("turnover"), t, "money per year");
        }
        parties.push(Party {
            name: p.name.clone(),
            role: role.unwrap_or(Role::Operator),
            capacity: p.capacity,
            turnover: p.turnover,
            outside_jurisdiction: p.outside_jurisdiction.unwrap_or(false),
        });
    }
    if raw.party.len() > usize::from(PartyId::MAX) {
        ck.report(
            &root.key("party"),
            format!(
                "found {} parties, expected at most {}",
                raw.party.len(),
                PartyId::MAX
            ),
        );
    }

    let resolver = Resolver::new(&known);
    let botnet = raw.botnet.as_ref().map(|b| {
        let horizon_days = sim.horizon_years.clamp(1, 1000) as f64 * DAYS_PER_YEAR;
        botnet(&mut ck, &root.key("botnet"), b, horizon_days)
    });
    let ddos_role = raw.botnet.as_ref().and_then(|b| b.ddos.as_ref()).map(|d| {
        let path = root.key("botnet").key("ddos").key("root_cause");
        let role = d
            .root_cause
            .as_deref()
            .map_or(Some(Role::Manufacturer), |r| {
                ck.parse(&path, r, Role::parse, chain_expected)
            });
        // Reported once here, rather than once per class by the culprit below.
        if role == Some(Role::Insurer) {
            ck.report(&path, not_in_lineage());
            return None;
        }
        role
    });
    let mut classes = Vec::new();
    let mut class_names: BTreeMap<&str, usize> = BTreeMap::new();
    if raw.device_class.is_empty() {
        ck.report(
            &root.key("device_class"),
            "found no [[device_class]], expected at least one",
        );
    }
    for (ci, c) in raw.device_class.iter().enumerate() {
        let cp = root.key("device_class").index(ci);
        if c.name.trim().is_empty() {
            ck.report(
                &cp.key("name"),
                "found an empty name, expected a class name",
            );
        } else if class_names.insert(&c.name, ci).is_some() {
            ck.report(
                &cp.key("name"),
                format!(
                    "found \"{}\" again, expected class names to be unique",
                    c.name
                ),
            );
        }
        if !(1..=MAX_COUNT).contains(&c.count) {
            ck.report(
                &cp.key("count"),
                format!(
                    "found {}, expected a device count from 1 to {MAX_COUNT}",
                    c.count
                ),
            );
        }

        // Lineage.
        let lp = cp.key("lineage");
        let l = &c.lineage;
        let mut lineage = Lineage::default();
        let single: [(&str, &Option<String>, Role); 7] = [
            ("manufacturer", &l.manufacturer, Role::Manufacturer),
            ("assembler", &l.assembler, Role::Assembler),
            ("importer", &l.importer, Role::Importer),
            ("distributor", &l.distributor, Role::Distributor),
            ("software_vendor", &l.software_vendor, Role::SoftwareVendor),
            (
                "network_operator",
                &l.network_operator,
                Role::NetworkOperator,
            ),
            ("operator", &l.operator, Role::Operator),
        ];
        // Roles the lineage names, even where the name did not resolve (already reported).
        let mut named: Vec<Role> = Vec::new();
        for (key, name, role) in single {
            if let Some(name) = name {
                named.push(role);
                if let Some(id) = resolver.party(&mut ck, &lp.key(key), name, &[role]) {
                    lineage.roles.push((role, id));
                }
            }
        }
        if l.installer.is_some() || l.installers.is_some() {
            named.push(Role::Installer);
        }
        match (&l.installer, &l.installers) {
            (Some(_), Some(_)) => ck.report(
                &lp.key("installers"),
                "found both installer and installers, expected one of them",
            ),
            (Some(name), None) => {
                if let Some(id) =
                    resolver.party(&mut ck, &lp.key("installer"), name, &[Role::Installer])
                {
                    lineage.installers.push((id, 1.0));
                }
            }
            (None, Some(list)) => {
                let mut cum = 0.0;
                for (i, s) in list.iter().enumerate() {
                    let ip = lp.key("installers").index(i);
                    let id =
                        resolver.party(&mut ck, &ip.key("party"), &s.party, &[Role::Installer]);
                    if !(s.share > 0.0 && s.share <= 1.0) {
                        ck.report(
                            &ip.key("share"),
                            format!("found {}, expected a share in (0, 1]", s.share),
                        );
                    }
                    cum += s.share;
                    if let Some(id) = id {
                        lineage.installers.push((id, cum));
                    }
                }
                if list.is_empty() {
                    ck.report(
                        &lp.key("installers"),
                        "found an empty list, expected at least one installer",
                    );
                } else if (cum - 1.0).abs() > 1e-9 {
                    ck.report(
                        &lp.key("installers"),
                        format!("found shares adding up to {cum}, expected 1"),
                    );
                }
                if let Some(last) = lineage.installers.last_mut() {
                    last.1 = 1.0;
                }
            }
            (None, None) => {}
        }

        // Components.
        let mut components: Vec<Component> = Vec::new();
        for (i, comp) in c.component.iter().enumerate() {
            let pp = cp.key("component").index(i);
            if components.iter().any(|k| k.name == comp.name) {
                ck.report(
                    &pp.key("name"),
                    format!(
                        "found \"{}\" again, expected unique component names",
                        comp.name
                    ),
                );
            }
            let supplier = resolver.party(
                &mut ck,
                &pp.key("supplier"),
                &comp.supplier,
                &[Role::ComponentSupplier, Role::Manufacturer, Role::Assembler],
            );
            components.push(Component {
                name: comp.name.clone(),
                supplier: supplier.unwrap_or(0),
            });
        }
        let class = resolver.in_class(&lineage, &components, &named);
        let consequence =
            |ck: &mut Checker, path: &FieldPath, h: &RawHarm, culprit: Culprit| -> Consequence {
                let harm_probability = ck.probability(&path.key("probability"), h.probability);
                let harm = ck
                    .parse(
                        &path.key("kind"),
                        &h.kind,
                        HarmKind::parse,
                        HarmKind::expected,
                    )
                    .unwrap_or(HarmKind::Injury);
                let severity = severity(ck, &path.key("severity"), &h.severity);
                let loss = LogNormal::new(severity.mu, severity.sigma).unwrap_or_else(|_| {
                    ck.report(
                        &path.key("severity"),
                        format!(
                            "found mu {} and sigma {}, expected a valid lognormal",
                            severity.mu, severity.sigma
                        ),
                    );
                    unit_lognormal()
                });
                Consequence {
                    harm_probability,
                    harm,
                    severity,
                    loss,
                    culprit,
                }
            };

        let most = super::MAX_WEAR_MODELS;
        if c.wear_out.len() > most {
            ck.report(
                &cp.key("wear_out"),
                format!(
                    "found {} wear-out models, expected at most {most} per class",
                    c.wear_out.len()
                ),
            );
        }
        let mut wear_out = Vec::new();
        for (i, w) in c.wear_out.iter().enumerate() {
            let wp = cp.key("wear_out").index(i);
            let component = class.component(&mut ck, &wp.key("component"), &w.component);
            ck.positive(&wp.key("shape"), w.shape, "Weibull shape");
            ck.positive(&wp.key("scale_days"), w.scale_days, "Weibull scale in days");
            let on_failure = ck
                .parse(
                    &wp.key("on_failure"),
                    &w.on_failure,
                    OnFailure::parse,
                    OnFailure::expected,
                )
                .unwrap_or(OnFailure::Retire);
            let who = class.culprit(
                &mut ck,
                &wp.key("root_cause"),
                w.root_cause.as_deref(),
                Role::ComponentSupplier,
                component,
            );
            let consequence = consequence(&mut ck, &wp.key("harm"), &w.harm, who);
            let time_to_failure =
                Weibull::new(w.scale_days, w.shape).unwrap_or_else(|_| unit_weibull());
            wear_out.push(WearOut {
                time_to_failure,
                component: component.unwrap_or(0),
                shape: w.shape,
                scale_days: w.scale_days,
                on_failure,
                consequence,
            });
        }

        let firmware_bug = c.firmware_bug.as_ref().map(|f| {
            let fp = cp.key("firmware_bug");
            ck.rate_per_year(
                &fp.key("rate_per_device_year"),
                f.rate_per_device_year,
                "firings per device-year",
            );
            let fix = f.fix.as_ref().map(|x| {
                let xp = fp.key("fix");
                ck.non_negative(&xp.key("release_after_days"), x.release_after_days, "days");
                let adoption_rate = ck.adoption(&xp.key("adoption_per_day"), x.adoption_per_day);
                Fix {
                    release_day: x.release_after_days,
                    adoption_rate,
                    adoption_delay: exp(adoption_rate),
                }
            });
            let who = class.culprit(
                &mut ck,
                &fp.key("root_cause"),
                f.root_cause.as_deref(),
                Role::SoftwareVendor,
                None,
            );
            let rate_per_day = f.rate_per_device_year / DAYS_PER_YEAR;
            FirmwareBug {
                between_firings: exp(rate_per_day),
                rate_per_day,
                fix,
                consequence: consequence(&mut ck, &fp.key("harm"), &f.harm, who),
            }
        });

        let sensor_drift = c.sensor_drift.as_ref().map(|d| {
            let dp = cp.key("sensor_drift");
            let component = d
                .component
                .as_ref()
                .and_then(|n| class.component(&mut ck, &dp.key("component"), n));
            let model = match d.model.as_str() {
                "random_walk" => match d.sd_per_day {
                    Some(sd) => DriftModel::RandomWalk {
                        sd_per_day: ck.positive(&dp.key("sd_per_day"), sd, "bias sd per √day"),
                    },
                    None => {
                        ck.report(
                            &dp.key("sd_per_day"),
                            "found nothing, expected sd_per_day for model \"random_walk\"",
                        );
                        DriftModel::RandomWalk { sd_per_day: 1.0 }
                    }
                },
                "linear" => {
                    let rate = match d.rate_per_day {
                        Some(r) => ck.positive(&dp.key("rate_per_day"), r, "bias change per day"),
                        None => {
                            ck.report(
                                &dp.key("rate_per_day"),
                                "found nothing, expected rate_per_day for model \"linear\"",
                            );
                            1.0
                        }
                    };
                    let sd = ck.non_negative(
                        &dp.key("rate_sd"),
                        d.rate_sd.unwrap_or(0.0),
                        "spread of the rate",
                    );
                    DriftModel::Linear {
                        rate_per_day: rate,
                        rate_sd: sd,
                    }
                }
                other => {
                    ck.report(
                        &dp.key("model"),
                        format!("found \"{other}\", expected one of \"random_walk\", \"linear\""),
                    );
                    DriftModel::RandomWalk { sd_per_day: 1.0 }
                }
            };
            ck.positive(&dp.key("tolerance"), d.tolerance, "largest acceptable bias");
            ck.positive(
                &dp.key("calibration_interval_days"),
                d.calibration_interval_days,
                "days",
            );
            let default = if component.is_some() {
                Role::ComponentSupplier
            } else {
                Role::Manufacturer
            };
            let who = class.culprit(
                &mut ck,
                &dp.key("root_cause"),
                d.root_cause.as_deref(),
                default,
                component,
            );
            SensorDrift {
                model,
                tolerance: d.tolerance,
                calibration_interval_days: d.calibration_interval_days,
                consequence: consequence(&mut ck, &dp.key("harm"), &d.harm, who),
            }
        });

        let installation_error = c.installation_error.as_ref().map(|e| {
            let ep = cp.key("installation_error");
            let default_p = ck.probability(&ep.key("probability"), e.probability);
            let mut by = vec![default_p; lineage.installers.len()];
            for (name, &p) in &e.by_installer {
                let kp = ep.key("by_installer").key(name);
                ck.probability(&kp, p);
                let slot = class.installer_slot(name);
                match slot {
                    Some(s) => by[s] = p,
                    None => ck.report(
                        &kp,
                        format!("found installer \"{name}\", expected an installer of this class's lineage"),
                    ),
                }
            }
            if lineage.installers.is_empty() {
                ck.report(&ep, "found an installation error on a class with no installer, expected lineage.installer or lineage.installers");
            }
            ck.positive(&ep.key("mean_days_to_manifest"), e.mean_days_to_manifest, "days");
            let who = class.culprit(&mut ck, &ep.key("root_cause"), e.root_cause.as_deref(), Role::Installer, None);
            InstallationError {
                probability_by_installer: by,
                mean_days_to_manifest: e.mean_days_to_manifest,
                manifest_delay: exp(1.0 / e.mean_days_to_manifest).unwrap_or_else(unit_exp),
                consequence: consequence(&mut ck, &ep.key("harm"), &e.harm, who),
            }
        });

        let security = c.security.as_ref().map(|x| {
            let sp = cp.key("security");
            let credentials = ck
                .parse(&sp.key("credentials"), &x.credentials, Credentials::parse, Credentials::expected)
                .unwrap_or(Credentials::Strong);
            let weak_guess = match (credentials, x.weak_guess_probability) {
                (Credentials::Weak, None) => {
                    ck.report(&sp.key("weak_guess_probability"), "found nothing, expected weak_guess_probability for credentials \"weak\"");
                    0.0
                }
                (_, Some(p)) => ck.probability(&sp.key("weak_guess_probability"), p),
                (_, None) => 0.0,
            };
            let mut leaves_default = vec![0.0; lineage.installers.len()];
            for (name, &p) in &x.installer_leaves_default {
                let kp = sp.key("installer_leaves_default").key(name);
                ck.probability(&kp, p);
                match class.installer_slot(name) {
                    Some(slot) => leaves_default[slot] = p,
                    None => ck.report(&kp, format!("found installer \"{name}\", expected an installer of this class's lineage")),
                }
            }
            Security {
                credentials,
                weak_guess,
                exposed: x.exposed.unwrap_or(true),
                leaves_default,
                reboot_per_day: ck.non_negative(&sp.key("reboot_per_day"), x.reboot_per_day.unwrap_or(0.0), "reboots per day"),
                cleanup_per_day: ck.non_negative(&sp.key("cleanup_per_day"), x.cleanup_per_day.unwrap_or(0.0), "clean-ups per day"),
                change_password: ck.probability(&sp.key("change_password_on_cleanup"), x.change_password_on_cleanup.unwrap_or(0.0)),
            }
        });

        let vulnerabilities = c.vulnerabilities.as_ref().map(|v| {
            let vp = cp.key("vulnerabilities");
            ck.rate_per_year(&vp.key("per_year"), v.per_year, "vulnerabilities per year");
            ck.positive(&vp.key("exploit_delay_days"), v.exploit_delay_days, "mean days");
            ck.positive(&vp.key("patch_delay_days"), v.patch_delay_days, "mean days");
            let adoption_rate = ck.adoption(&vp.key("adoption_per_day"), v.adoption_per_day);
            let support_end_day = v.support_years.map_or(f64::INFINITY, |y| ck.non_negative(&vp.key("support_years"), y, "years") * DAYS_PER_YEAR);
            let attacks = ck.rate_per_year(&vp.key("targeted_attacks_per_device_year"), v.targeted_attacks_per_device_year.unwrap_or(0.0), "attacks per device-year");
            let who = class.culprit(&mut ck, &vp.key("root_cause"), v.root_cause.as_deref(), Role::SoftwareVendor, None);
            let consequence = v.harm.as_ref().map(|h| consequence(&mut ck, &vp.key("harm"), h, who));
            if attacks > 0.0 && consequence.is_none() {
                ck.report(&vp.key("harm"), "found nothing, expected the harm of a targeted attack (targeted_attacks_per_device_year is set)");
            }
            Vulnerabilities {
                rate_per_day: v.per_year / DAYS_PER_YEAR,
                exploit_delay: exp(1.0 / v.exploit_delay_days).unwrap_or_else(unit_exp),
                patch_delay: exp(1.0 / v.patch_delay_days).unwrap_or_else(unit_exp),
                adoption_rate,
                adoption_delay: exp(adoption_rate),
                support_end_day,
                botnet_uses_exploit: v.botnet_uses_exploit.unwrap_or(true),
                attack_rate_per_day: attacks / DAYS_PER_YEAR,
                consequence,
            }
        });

        let data_theft = c.data_theft.as_ref().map(|d| {
            let dp = cp.key("data_theft");
            let records = records(&mut ck, &dp.key("records"), &d.records);
            let backend_records = d.backend_records.as_ref().map_or(records, |r| {
                self::records(&mut ck, &dp.key("backend_records"), r)
            });
            let detection = d.detection_days.unwrap_or(204.0);
            let containment = d.containment_days.unwrap_or(73.0);
            ck.positive(&dp.key("detection_days"), detection, "mean days");
            ck.positive(&dp.key("containment_days"), containment, "mean days");
            DataTheft {
                probability_per_breach: ck
                    .probability(&dp.key("probability_per_breach"), d.probability_per_breach),
                backend_rate_per_day: ck.rate_per_year(
                    &dp.key("backend_breaches_per_year"),
                    d.backend_breaches_per_year.unwrap_or(0.0),
                    "breaches per year",
                ) / DAYS_PER_YEAR,
                records,
                backend_records,
                cost_per_record: ck.non_negative(
                    &dp.key("cost_per_record"),
                    d.cost_per_record,
                    "money per record",
                ),
                identified_probability: ck
                    .probability(&dp.key("identified_probability"), d.identified_probability),
                detection: exp(1.0 / detection).unwrap_or_else(unit_exp),
                containment: exp(1.0 / containment).unwrap_or_else(unit_exp),
                culprit: class.culprit(
                    &mut ck,
                    &dp.key("root_cause"),
                    d.root_cause.as_deref(),
                    Role::Manufacturer,
                    None,
                ),
            }
        });
        let ddos_culprit = match ddos_role {
            Some(Some(role)) => Some(class.culprit(
                &mut ck,
                &root.key("botnet").key("ddos").key("root_cause"),
                Some(role.name()),
                role,
                None,
            )),
            _ => None,
        };

        classes.push(DeviceClass {
            security,
            vulnerabilities,
            data_theft,
            ddos_culprit,
            name: c.name.clone(),
            count: c.count.clamp(1, MAX_COUNT) as u32,
            lineage,
            components,
            wear_out,
            firmware_bug,
            sensor_drift,
            installation_error,
        });
    }
    if raw.device_class.len() > usize::from(u16::MAX) {
        ck.report(
            &root.key("device_class"),
            "found too many classes, expected at most 65535",
        );
    }

    let terms = terms(&mut ck, raw, &resolver, &classes);

    if !ck.problems.is_empty() {
        return Err(ck.problems);
    }
    Ok(Scenario {
        name: sim.name.clone(),
        description: sim.description.clone(),
        horizon_years: sim.horizon_years as u32,
        replications: sim.replications as u32,
        seed: sim.seed,
        return_periods,
        currency: sim.currency.clone().unwrap_or_else(|| "EUR".to_owned()),
        parties,
        classes,
        botnet,
        terms,
    })
}

/// A scenario name: it names the output folder, so ASCII letters, digits, `_` and `-`, at most
/// [`MAX_NAME_BYTES`] bytes.
fn simulation_name(ck: &mut Checker, path: &FieldPath, name: &str) {
    let safe = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if name.is_empty() || !safe {
        ck.report(
            path,
            format!(
                "found \"{name}\", expected a non-empty name of ASCII letters, digits, '_' and '-' (it names the output folder)"
            ),
        );
    } else if name.len() > MAX_NAME_BYTES {
        ck.report(
            path,
            format!(
                "found a name of {} characters, expected at most {MAX_NAME_BYTES} (it names the output folder)",
                name.len()
            ),
        );
    }
}

/// Reads the money terms: `[liability]`, `[[contract]]`, `[[insurance]]`, `[[recall]]` and
/// `[[fine]]`.
fn terms(
    ck: &mut Checker,
    raw: &RawScenario,
    resolver: &Resolver<'_>,
    classes: &[DeviceClass],
) -> Terms {
    let root = FieldPath::root();
    let chain = chain_roles();
    let liability = raw
        .liability
        .as_ref()
        .map_or_else(LiabilityTerms::default, |l| {
            liability(ck, &root.key("liability"), l)
        });

    let mut contracts = Vec::new();
    for (i, c) in raw.contract.iter().enumerate() {
        let cp = root.key("contract").index(i);
        let party = resolver.party(ck, &cp.key("party"), &c.party, &chain);
        let counterparty = resolver.party(ck, &cp.key("counterparty"), &c.counterparty, &chain);
        if c.party == c.counterparty {
            ck.report(
                &cp.key("counterparty"),
                format!(
                    "found \"{}\", the contract's own party, expected another party",
                    c.counterparty
                ),
            );
        }
        let indemnity = ck.faults(&cp.key("indemnity"), &c.indemnity);
        let carve_outs = ck.faults(&cp.key("carve_outs"), &c.carve_outs);
        if let Some(cap) = c.cap {
            ck.positive(&cp.key("cap"), cap, "money per year");
        }
        if let Some(m) = c.cap_fee_multiple {
            ck.positive(&cp.key("cap_fee_multiple"), m, "multiple of the annual fee");
        }
        if let Some(fee) = c.annual_fee {
            ck.positive(&cp.key("annual_fee"), fee, "money per year");
        }
        let cap = match (c.cap, c.cap_fee_multiple, c.annual_fee) {
            (Some(_), Some(_), _) => {
                ck.report(
                    &cp.key("cap_fee_multiple"),
                    "found both cap and cap_fee_multiple, expected at most one of them",
                );
                None
            }
            (Some(cap), None, _) => Some(cap),
            (None, Some(m), Some(fee)) => Some(m * fee),
            (None, Some(_), None) => {
                ck.report(
                    &cp.key("annual_fee"),
                    "found nothing, expected annual_fee alongside cap_fee_multiple (the cap is the multiple × the fee)",
                );
                None
            }
            (None, None, _) => None,
        };
        if let (Some(party), Some(counterparty)) = (party, counterparty) {
            contracts.push(Contract {
                party,
                counterparty,
                indemnity,
                indemnity_any_cause: c.indemnity_any_cause.unwrap_or(false),
                cap,
                carve_outs,
            });
        }
    }

    let mut policies = Vec::new();
    for (i, x) in raw.insurance.iter().enumerate() {
        let ip = root.key("insurance").index(i);
        let insured = resolver.party(ck, &ip.key("insured"), &x.insured, &chain);
        let kind = x.kind.clone().unwrap_or_else(|| "liability".to_owned());
        let default_lines = insurance_kind(ck, &ip.key("kind"), &kind);
        let covers = x
            .covers
            .as_ref()
            .map_or_else(FaultSet::all, |l| ck.faults(&ip.key("covers"), l));
        let lines = match &x.lines {
            Some(l) => ck.names(&ip.key("lines"), l, Line::parse, Line::expected),
            None => default_lines.to_vec(),
        };
        let deductible = ck.non_negative(
            &ip.key("deductible"),
            x.deductible.unwrap_or(0.0),
            "money per occurrence",
        );
        if x.layer.is_empty() {
            ck.report(
                &ip.key("layer"),
                "found no [[insurance.layer]], expected at least one layer",
            );
        }
        // Each layer attaches where the one below it ends; the first at the deductible.
        let mut attachment = deductible;
        let mut layers = Vec::new();
        for (j, l) in x.layer.iter().enumerate() {
            let lp = ip.key("layer").index(j);
            let insurer = resolver.party(ck, &lp.key("insurer"), &l.insurer, &[Role::Insurer]);
            let limit = ck.positive(&lp.key("limit"), l.limit, "money per occurrence");
            let aggregate = l.aggregate.map_or(f64::INFINITY, |a| {
                ck.positive(&lp.key("aggregate"), a, "money per year")
            });
            let share = l.share.unwrap_or(1.0);
            if !(share > 0.0 && share <= 1.0) {
                ck.report(
                    &lp.key("share"),
                    format!("found {share}, expected a share in (0, 1]"),
                );
            }
            layers.push(Layer {
                insurer: insurer.unwrap_or(0),
                attachment,
                limit,
                aggregate,
                share,
            });
            attachment += limit;
        }
        policies.push(Policy {
            insured: insured.unwrap_or(0),
            kind,
            covers,
            lines,
            deductible,
            layers,
        });
    }

    let recalls = raw
        .recall
        .iter()
        .enumerate()
        .filter_map(|(i, r)| recall(ck, &root.key("recall").index(i), r, raw, classes))
        .collect();

    let mut fines: Vec<FineRule> = Vec::new();
    for (i, f) in raw.fine.iter().enumerate() {
        let fp = root.key("fine").index(i);
        if f.name.trim().is_empty() {
            ck.report(&fp.key("name"), "found an empty name, expected a fine name");
        } else if raw.fine[..i].iter().any(|g| g.name == f.name) {
            ck.report(
                &fp.key("name"),
                format!(
                    "found \"{}\" again, expected fine names to be unique",
                    f.name
                ),
            );
        }
        if f.faults.is_empty() {
            ck.report(
                &fp.key("faults"),
                "found an empty list, expected at least one fault kind",
            );
        }
        let on = if f.on == "root_cause" {
            FineTarget::RootCause
        } else {
            match Role::parse(&f.on) {
                Some(Role::Insurer) => {
                    ck.report(&fp.key("on"), not_in_lineage());
                    FineTarget::RootCause
                }
                Some(role) => FineTarget::Role(role),
                None => {
                    ck.report(
                        &fp.key("on"),
                        format!(
                            "found \"{}\", expected \"root_cause\" or a role: {}",
                            f.on,
                            chain_expected()
                        ),
                    );
                    FineTarget::RootCause
                }
            }
        };
        fines.push(FineRule {
            name: f.name.clone(),
            faults: ck.faults(&fp.key("faults"), &f.faults),
            harms: f
                .harms
                .as_ref()
                .map_or_else(HarmSet::all, |l| ck.harms(&fp.key("harms"), l)),
            probability: ck.probability(&fp.key("probability"), f.probability),
            on,
            fixed: ck.non_negative(&fp.key("fixed"), f.fixed.unwrap_or(0.0), "money"),
            turnover_share: ck.share(&fp.key("turnover_share"), f.turnover_share.unwrap_or(0.0)),
            maximum: f
                .maximum
                .map(|m| ck.positive(&fp.key("maximum"), m, "money")),
            once_per_year: f.once_per_year.unwrap_or(true),
        });
    }

    Terms {
        liability,
        contracts,
        policies,
        recalls,
        fines,
    }
}

/// Checks an insurance kind against [`INSURANCE_KINDS`], exactly: the kind sets the lines a
/// policy answers for when it lists none, so a near miss must not pass as another kind.
/// Returns the kind's default lines (damages for an unknown kind, already reported).
fn insurance_kind(ck: &mut Checker, path: &FieldPath, kind: &str) -> &'static [Line] {
    if let Some(lines) = default_lines(kind) {
        return lines;
    }
    let names = || INSURANCE_KINDS.iter().map(|k| k.0);
    // A difference of case alone is the likeliest slip, so it is hinted even when the
    // similarity score would not.
    let hint = match names().find(|k| k.eq_ignore_ascii_case(kind.trim())) {
        Some(k) => format!("; did you mean \"{k}\"?"),
        None => did_you_mean(kind, names()),
    };
    let quoted: Vec<String> = names().map(|k| format!("\"{k}\"")).collect();
    ck.report(
        path,
        format!(
            "found \"{kind}\", expected one of {} (exactly: the kind decides the lines a policy answers for when it lists none){hint}",
            quoted.join(", ")
        ),
    );
    &[Line::Damages]
}

/// Reads `[liability]`; what it leaves out keeps the root-cause baseline's value.
fn liability(ck: &mut Checker, lp: &FieldPath, l: &RawLiability) -> LiabilityTerms {
    let mut t = LiabilityTerms::default();
    match &l.regime {
        None => {}
        Some(RawRegimes::One(s)) => {
            if let Some(r) = ck.parse(
                &lp.key("regime"),
                s,
                RegimeKind::parse,
                RegimeKind::expected,
            ) {
                t.regimes = vec![r];
            }
        }
        Some(RawRegimes::Many(list)) => {
            if list.is_empty() {
                ck.report(
                    &lp.key("regime"),
                    format!(
                        "found an empty list, expected at least one regime: {}",
                        RegimeKind::expected()
                    ),
                );
            }
            let regimes = ck.names(
                &lp.key("regime"),
                list,
                RegimeKind::parse,
                RegimeKind::expected,
            );
            if !regimes.is_empty() {
                t.regimes = regimes;
            }
        }
    }
    if let Some(list) = &l.covered_harms {
        t.covered_harms = ck.harms(&lp.key("covered_harms"), list);
    }
    if let Some(list) = &l.covered_faults {
        t.covered_faults = ck.faults(&lp.key("covered_faults"), list);
    }
    if let Some(list) = &l.defects {
        t.defects = ck.faults(&lp.key("defects"), list);
    }
    if let Some(list) = &l.negligent {
        t.negligent = ck.faults(&lp.key("negligent"), list);
    }
    if let Some(b) = l.default_password_negligent {
        t.default_password_negligent = b;
    }
    if let Some(b) = l.unpatched_negligent {
        t.unpatched_negligent = b;
    }
    if let Some(p) = l.proof_probability {
        t.proof_probability = ck.probability(&lp.key("proof_probability"), p);
    }
    if let Some(v) = l.victim_fault_share {
        t.victim_fault_share = ck.share(&lp.key("victim_fault_share"), v);
    }
    if let Some(c) = &l.comparative_fault
        && let Some(c) = ck.parse(
            &lp.key("comparative_fault"),
            c,
            ComparativeFault::parse,
            ComparativeFault::expected,
        )
    {
        t.comparative_fault = c;
    }
    if let Some(v) = l.cause_contribution {
        t.cause_contribution = ck.share(&lp.key("cause_contribution"), v);
    }
    if let Some(d) = l.awareness_delay_days {
        t.awareness_delay_days = ck.non_negative(&lp.key("awareness_delay_days"), d, "mean days");
    }
    if let Some(d) = l.claim_delay_days {
        t.claim_delay_days = ck.non_negative(&lp.key("claim_delay_days"), d, "mean days");
    }
    t.limitation_days = l
        .limitation_years
        .map(|y| ck.positive(&lp.key("limitation_years"), y, "years") * DAYS_PER_YEAR);
    t.longstop_days = l
        .longstop_years
        .map(|y| ck.positive(&lp.key("longstop_years"), y, "years") * DAYS_PER_YEAR);
    t
}

/// The faults a recall can follow: those of a device.
const DEVICE_FAULTS: [FaultKind; 5] = [
    FaultKind::WearOut,
    FaultKind::FirmwareBug,
    FaultKind::SensorDrift,
    FaultKind::InstallationError,
    FaultKind::Exploit,
];

/// Reads one `[[recall]]`; `None` when its class or fault does not resolve (reported).
fn recall(
    ck: &mut Checker,
    rp: &FieldPath,
    r: &RawRecall,
    raw: &RawScenario,
    classes: &[DeviceClass],
) -> Option<RecallRule> {
    let quoted = |faults: &mut dyn Iterator<Item = FaultKind>| -> String {
        faults
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let class = classes.iter().position(|c| c.name == r.class);
    if class.is_none() {
        ck.report(
            &rp.key("class"),
            format!(
                "no device class named \"{}\", expected a [[device_class]] name{}",
                r.class,
                did_you_mean(&r.class, classes.iter().map(|c| c.name.as_str()))
            ),
        );
    }
    let fault = ck
        .parse(
            &rp.key("fault"),
            &r.fault,
            FaultKind::parse,
            FaultKind::expected,
        )
        .and_then(|f| {
            if DEVICE_FAULTS.contains(&f) {
                return Some(f);
            }
            ck.report(
                &rp.key("fault"),
                format!(
                    "found \"{f}\", expected a fault of a device: one of {}",
                    quoted(&mut DEVICE_FAULTS.into_iter())
                ),
            );
            None
        });
    if let Some(ci) = class {
        let c = &classes[ci];
        if let Some(f) = fault
            && c.consequence(f, 0).is_none()
        {
            let modelled: Vec<FaultKind> = DEVICE_FAULTS
                .into_iter()
                .filter(|&g| c.consequence(g, 0).is_some())
                .collect();
            let expected = if modelled.is_empty() {
                "and it models none (exploit counts with a harm in [device_class.vulnerabilities])"
                    .to_owned()
            } else {
                format!("one of {}", quoted(&mut modelled.into_iter()))
            };
            ck.report(
                &rp.key("fault"),
                format!(
                    "found \"{f}\", which class \"{}\" does not model, expected a fault it models: {expected}",
                    c.name
                ),
            );
        }
        // An unresolved manufacturer was reported in the lineage.
        if raw.device_class[ci].lineage.manufacturer.is_none() {
            ck.report(
                &rp.key("class"),
                format!(
                    "found class \"{}\" with no manufacturer, expected a class whose lineage names one (it bears the recall's cost)",
                    c.name
                ),
            );
        }
    }
    if !(1..=i64::from(u32::MAX)).contains(&r.threshold) {
        ck.report(
            &rp.key("threshold"),
            format!(
                "found {}, expected a whole number of incidents ≥ 1",
                r.threshold
            ),
        );
    }
    ck.positive(&rp.key("window_days"), r.window_days, "days");
    ck.non_negative(
        &rp.key("cost_per_device"),
        r.cost_per_device,
        "money per device",
    );
    ck.share(&rp.key("reach"), r.reach);
    ck.non_negative(&rp.key("mean_days_to_fix"), r.mean_days_to_fix, "mean days");
    Some(RecallRule {
        class: u16::try_from(class?).unwrap_or(u16::MAX),
        fault: fault?,
        threshold: u32::try_from(r.threshold).unwrap_or(1),
        window_days: r.window_days,
        cost_per_device: r.cost_per_device,
        reach: r.reach,
        mean_days_to_fix: r.mean_days_to_fix,
    })
}

/// Reads `[botnet]`; `horizon_days` cuts the outbreak, and so bounds its steps.
fn botnet(ck: &mut Checker, bp: &FieldPath, b: &RawBotnet, horizon_days: f64) -> Botnet {
    ck.non_negative(&bp.key("start_day"), b.start_day, "day");
    ck.positive(&bp.key("duration_days"), b.duration_days, "days");
    let step = outbreak_step(ck, bp, b, horizon_days);
    ck.positive(
        &bp.key("scans_per_second"),
        b.scans_per_second,
        "scans per second per bot",
    );
    let space = ck.whole(
        &bp.key("address_space"),
        b.address_space.unwrap_or(4_294_967_296.0),
        1.0,
        f64::MAX,
        "addresses",
    );
    // Hosts live in the address space; a bad space was reported above, so it bounds nothing.
    let most = if space.is_finite() && space >= 1.0 {
        space
    } else {
        f64::MAX
    };
    let external = ck.whole(
        &bp.key("external_vulnerable"),
        b.external_vulnerable.unwrap_or(0.0),
        0.0,
        most,
        "hosts (at most address_space)",
    );
    ck.whole(
        &bp.key("initial_bots"),
        b.initial_bots,
        1.0,
        most,
        "bots (at most address_space)",
    );
    let record = ck.positive(
        &bp.key("record_every_minutes"),
        b.record_every_minutes.unwrap_or(60.0),
        "minutes",
    );
    let ddos = b.ddos.as_ref().map(|d| {
        let dp = bp.key("ddos");
        ck.non_negative(
            &dp.key("attacks_per_day"),
            d.attacks_per_day,
            "attacks per day",
        );
        let per_step = d.attacks_per_day * step / 1440.0;
        if step > 0.0 && per_step > MAX_ATTACKS_PER_STEP {
            ck.report(
                &dp.key("attacks_per_day"),
                format!(
                    "found {} attacks per day, {per_step:.1} in each {step}-minute step, expected at most {MAX_ATTACKS_PER_STEP} per step (at most {} a day with this step_minutes)",
                    d.attacks_per_day,
                    MAX_ATTACKS_PER_STEP * 1440.0 / step
                ),
            );
        }
        let mut curve: Vec<(f64, f64)> = d.cost_curve.iter().map(|&[x, y]| (x, y)).collect();
        for (i, &(x, y)) in curve.iter().enumerate() {
            if !(x >= 0.0 && y >= 0.0 && x.is_finite() && y.is_finite()) {
                ck.report(
                    &dp.key("cost_curve").index(i),
                    format!("found [{x}, {y}], expected [bots ≥ 0, cost ≥ 0]"),
                );
            }
        }
        if curve.is_empty() {
            ck.report(
                &dp.key("cost_curve"),
                "found an empty curve, expected at least one [bots, cost] point",
            );
        }
        curve.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ddos {
            attacks_per_day: d.attacks_per_day,
            cost_curve: curve,
        }
    });
    Botnet {
        start_day: b.start_day,
        duration_days: b.duration_days,
        step_days: step / 1440.0,
        scans_per_day: b.scans_per_second * 86_400.0,
        address_space: space,
        external_vulnerable: external,
        initial_bots: b.initial_bots,
        external_reboot_per_day: ck.non_negative(
            &bp.key("external_reboot_per_day"),
            b.external_reboot_per_day.unwrap_or(0.0),
            "reboots per day",
        ),
        record_every_days: record / 1440.0,
        ddos,
    }
}

/// The outbreak's step in minutes: at least [`MIN_STEP_MINUTES`], and long enough that the
/// outbreak, cut at the horizon, has at most [`MAX_OUTBREAK_STEPS`] steps.
fn outbreak_step(ck: &mut Checker, bp: &FieldPath, b: &RawBotnet, horizon_days: f64) -> f64 {
    let path = bp.key("step_minutes");
    let step = b.step_minutes.unwrap_or(5.0);
    if !(step.is_finite() && step >= MIN_STEP_MINUTES) {
        ck.report(
            &path,
            format!("found {step}, expected at least {MIN_STEP_MINUTES} minutes"),
        );
        return step;
    }
    let days = (b.start_day + b.duration_days).min(horizon_days) - b.start_day;
    let steps = (days * 1440.0 / step).ceil();
    if steps > MAX_OUTBREAK_STEPS {
        ck.report(
            &path,
            format!(
                "found {step} minutes, {steps} steps over the outbreak's {days} days within the horizon, expected at most {MAX_OUTBREAK_STEPS} steps (a step of at least {} minutes)",
                (days * 1440.0 / MAX_OUTBREAK_STEPS * 1000.0).ceil() / 1000.0
            ),
        );
    }
    step
}

/// Reads a record-count distribution: lognormal (median, p99) or Pareto (minimum, alpha).
fn records(ck: &mut Checker, path: &FieldPath, r: &RawRecords) -> RecordSize {
    let fallback = RecordSize::LogNormal(unit_lognormal());
    match (r.median, r.p99, r.minimum, r.alpha) {
        (Some(median), Some(p99), None, None) => {
            if !(median > 0.0 && p99 > median && p99.is_finite()) {
                ck.report(
                    path,
                    format!("found median {median} and p99 {p99}, expected 0 < median < p99"),
                );
                return fallback;
            }
            LogNormal::new(median.ln(), (p99 / median).ln() / Z99)
                .map_or(fallback, RecordSize::LogNormal)
        }
        (None, None, Some(minimum), Some(alpha)) => {
            ck.positive(&path.key("minimum"), minimum, "records");
            ck.positive(&path.key("alpha"), alpha, "tail exponent");
            Pareto::new(minimum, alpha).map_or(fallback, RecordSize::Pareto)
        }
        _ => {
            ck.report(path, "found an incomplete or mixed set, expected median and p99 (lognormal) or minimum and alpha (Pareto)");
            fallback
        }
    }
}

/// Reads one of the three lognormal parameterisations.
fn severity(ck: &mut Checker, path: &FieldPath, s: &RawSeverity) -> Severity {
    let given = [
        ("median and p99", s.median.is_some() || s.p99.is_some()),
        ("mean and sd", s.mean.is_some() || s.sd.is_some()),
        ("mu and sigma", s.mu.is_some() || s.sigma.is_some()),
    ];
    let n = given.iter().filter(|g| g.1).count();
    let fallback = Severity {
        mu: 0.0,
        sigma: 1.0,
    };
    if n != 1 {
        ck.report(
            path,
            format!(
                "found {}, expected exactly one pair: median and p99, mean and sd, or mu and sigma",
                if n == 0 {
                    "no parameters".to_owned()
                } else {
                    format!("{n} parameter pairs")
                }
            ),
        );
        return fallback;
    }
    let both =
        |ck: &mut Checker, a: (&str, Option<f64>), b: (&str, Option<f64>)| -> Option<(f64, f64)> {
            for (k, v) in [a, b] {
                if v.is_none() {
                    ck.report(
                        &path.key(k),
                        format!(
                            "found nothing, expected {k} alongside {}",
                            if k == a.0 { b.0 } else { a.0 }
                        ),
                    );
                }
            }
            Some((a.1?, b.1?))
        };
    if let Some((median, p99)) = given[0]
        .1
        .then(|| both(ck, ("median", s.median), ("p99", s.p99)))
        .flatten()
    {
        ck.positive(&path.key("median"), median, "money");
        if !(p99.is_finite() && p99 > median) {
            ck.report(
                &path.key("p99"),
                format!("found {p99}, expected a 99th percentile above the median {median}"),
            );
            return fallback;
        }
        if median > 0.0 {
            return Severity {
                mu: median.ln(),
                sigma: (p99 / median).ln() / Z99,
            };
        }
    } else if let Some((mean, sd)) = given[1]
        .1
        .then(|| both(ck, ("mean", s.mean), ("sd", s.sd)))
        .flatten()
    {
        ck.positive(&path.key("mean"), mean, "money");
        ck.positive(&path.key("sd"), sd, "money");
        if mean > 0.0 && sd > 0.0 {
            let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
            return Severity {
                mu: mean.ln() - sigma2 / 2.0,
                sigma: sigma2.sqrt(),
            };
        }
    } else if let Some((mu, sigma)) = given[2]
        .1
        .then(|| both(ck, ("mu", s.mu), ("sigma", s.sigma)))
        .flatten()
    {
        if !mu.is_finite() {
            ck.report(
                &path.key("mu"),
                format!("found {mu}, expected a finite number"),
            );
        }
        ck.positive(&path.key("sigma"), sigma, "log-space sd");
        return Severity { mu, sigma };
    }
    fallback
}
