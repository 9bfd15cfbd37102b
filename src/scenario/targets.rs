//! The device classes a systemic event reaches and, in each, the party behind it: `classes`
//! (names of `[[device_class]]`) and `root_cause` (a role resolved in each class's lineage).
//! The role is read with the event source; the names and the parties once the classes are
//! checked, since event sources are checked before classes (the classes need their DDoS role).

use super::check::{Checker, chain_expected, not_in_lineage};
use super::class::DeviceClass;
use super::kinds::{Culprit, Role};
use super::path::FieldPath;
use super::shape::did_you_mean;

/// Which classes an event reaches, and who answers for it in each.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// Each class reached (by index, ascending) with its culprit; filled by [`resolve`].
    pub classes: Vec<(u16, Culprit)>,
    /// The classes as written (`None`: every class), for [`resolve`].
    names: Option<Vec<String>>,
    role: Option<Role>,
    /// Where the kind's table stands, to locate the problems [`resolve`] finds.
    path: FieldPath,
}

impl Targets {
    /// The culprit of class `class`, if the event reaches it.
    pub fn culprit(&self, class: u16) -> Option<Culprit> {
        self.classes
            .iter()
            .find(|(c, _)| *c == class)
            .map(|&(_, k)| k)
    }
}

/// Reads `classes` and `root_cause` of the kind's table at `path` (the root cause `default`
/// when not written); the classes are resolved later, by [`resolve`].
pub fn read(
    ck: &mut Checker,
    path: &FieldPath,
    names: Option<&[String]>,
    root_cause: Option<&str>,
    default: Role,
) -> Targets {
    let rp = path.key("root_cause");
    let role = match root_cause {
        None => Some(default),
        Some(s) => ck.parse(&rp, s, Role::parse, chain_expected),
    };
    let role = match role {
        Some(Role::Insurer) => {
            ck.report(&rp, not_in_lineage());
            None
        }
        Some(Role::ComponentSupplier) => {
            ck.report(
                &rp,
                format!(
                    "found component_supplier, expected a role with one party per class: {}",
                    chain_expected()
                ),
            );
            None
        }
        r => r,
    };
    if names.is_some_and(<[String]>::is_empty) {
        ck.report(
            &path.key("classes"),
            "found no classes, expected at least one [[device_class]] name",
        );
    }
    Targets {
        classes: Vec::new(),
        names: names.map(<[String]>::to_vec),
        role,
        path: path.clone(),
    }
}

/// Resolves the classes' names and, in each class's lineage, the root-cause role. A name that
/// is no class, a class named twice, and a class without a party in the role are reported.
pub fn resolve(ck: &mut Checker, t: &mut Targets, classes: &[DeviceClass]) {
    let cp = t.path.key("classes");
    let wanted: Vec<(usize, FieldPath)> = match &t.names {
        None => (0..classes.len())
            .map(|c| (c, t.path.key("root_cause")))
            .collect(),
        Some(names) => names
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let found = classes.iter().position(|c| c.name == *name);
                if found.is_none() {
                    ck.report(
                        &cp.index(i),
                        format!(
                            "no class named \"{name}\", expected a [[device_class]] name{}",
                            did_you_mean(name, classes.iter().map(|c| c.name.as_str()))
                        ),
                    );
                }
                Some((found?, cp.index(i)))
            })
            .collect(),
    };
    let Some(role) = t.role else { return };
    t.classes.clear();
    for (c, at) in wanted {
        if t.classes.iter().any(|&(k, _)| usize::from(k) == c) {
            ck.report(
                &at,
                format!(
                    "found class \"{}\" again, expected each class once",
                    classes[c].name
                ),
            );
            continue;
        }
        let class = &classes[c];
        let culprit = match role {
            Role::Installer if !class.lineage.installers.is_empty() => {
                Some(Culprit::DeviceInstaller)
            }
            _ => class
                .lineage
                .party(role)
                .map(|party| Culprit::Party { role, party }),
        };
        match culprit {
            Some(k) => t.classes.push((c as u16, k)),
            None => ck.report(
                &at,
                format!(
                    "found class \"{}\" without a {role} in its lineage, expected a class with a party in the event's root-cause role (add lineage.{role} to the class, or set root_cause)",
                    class.name
                ),
            ),
        }
    }
    t.classes.sort_by_key(|&(c, _)| c);
}
