//! The supply chain: `[[party]]` (the legal persons, read into the [`Parties`] that names
//! resolve against), and each class's lineage (which party fills each role, and its installers
//! with their shares) and components with their suppliers.

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::{Checker, Parties, Resolver};
use super::kinds::{Component, Lineage, PartyId, Role};
use super::path::FieldPath;

/// `[[party]]`: one legal person of the chain.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawParty {
    /// Unique name, used by lineages.
    pub name: String,
    /// Role in the supply chain, or a list of distinct roles for a party that fills several
    /// (a manufacturer that installs its own devices). An insurer has no other role.
    pub role: RawRoles,
    /// Capacity to pay per year, in the scenario currency (used by the liability issue).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Annual worldwide turnover, the base of turnover-linked fines.
    #[serde(default)]
    pub turnover: Option<f64>,
    /// Established outside the jurisdiction: victims cannot collect from it directly (default
    /// false).
    #[serde(default)]
    pub outside_jurisdiction: Option<bool>,
}

/// A role name or a list of them, as written.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RawRoles {
    /// One role.
    One(#[schemars(with = "Role")] String),
    /// Several distinct roles, each of which the party may fill in a lineage.
    // The schema describes a set (at least one, each once); it is read as a list, so that the
    // file's order is kept and a repeat is reported where it stands.
    Many(#[schemars(with = "std::collections::BTreeSet<Role>", length(min = 1))] Vec<String>),
}

impl<'de> Deserialize<'de> for RawRoles {
    /// By hand rather than `untagged`, so that a wrong type is answered with what is expected
    /// instead of "data did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRoles;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a role name or a list of role names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawRoles, E> {
                Ok(RawRoles::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawRoles, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(RawRoles::Many(names))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[device_class.lineage]`: party names by role. Roles left out are simply absent.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawLineage {
    /// Brand owner that places the device on the market.
    pub manufacturer: Option<String>,
    /// Contract assembler.
    pub assembler: Option<String>,
    /// Importer into the jurisdiction.
    pub importer: Option<String>,
    /// Wholesaler or vendor.
    pub distributor: Option<String>,
    /// Author of the device software.
    pub software_vendor: Option<String>,
    /// Network operator that connects the device.
    pub network_operator: Option<String>,
    /// Operator or user of the device.
    pub operator: Option<String>,
    /// The one installer of every device (shorthand for `installers` with one entry).
    pub installer: Option<String>,
    /// Installers sharing the installs; shares must add up to 1.
    pub installers: Option<Vec<RawInstallerShare>>,
}

/// One installer and its share of the installs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawInstallerShare {
    /// Party name (role `installer`).
    pub party: String,
    /// Share of the class's devices it installs, in (0, 1].
    pub share: f64,
}

/// `[[device_class.component]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawComponent {
    /// Component name, unique within the class.
    pub name: String,
    /// Supplier party (role `component_supplier`).
    pub supplier: String,
}

/// A legal person of the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: String,
    /// Its roles in file order: at least one, each once; an insurer has no other. A lineage
    /// slot may name the party for any of them.
    pub roles: Vec<Role>,
    /// Money the party can pay from its own funds in a year; `None`: unlimited.
    pub capacity: Option<f64>,
    /// Annual worldwide turnover, the base of turnover-linked fines.
    pub turnover: Option<f64>,
    /// Established outside the jurisdiction: victims cannot collect from it directly.
    pub outside_jurisdiction: bool,
}

impl Party {
    /// Whether the party holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The first role it was declared with; operator for a party built without any (never one
    /// that validation let through).
    pub fn primary(&self) -> Role {
        self.roles.first().copied().unwrap_or(Role::Operator)
    }

    /// Its roles as the outputs write them: joined with "+" (`manufacturer+installer`), so a
    /// party with one role reads as it always has.
    pub fn roles_label(&self) -> String {
        let names: Vec<&str> = self.roles.iter().map(|r| r.name()).collect();
        names.join("+")
    }
}

/// Checks `[[party]]`: the typed parties, and the names and roles that later names resolve
/// against.
pub fn check<'a>(
    ck: &mut Checker,
    path: &FieldPath,
    list: &'a [RawParty],
) -> (Vec<Party>, Parties<'a>) {
    let mut parties = Vec::new();
    let mut known = Parties::default();
    for (i, p) in list.iter().enumerate() {
        let pp = path.index(i);
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
        let roles = roles(ck, &pp.key("role"), &p.role);
        known.roles.push(roles.clone());
        if let Some(c) = p.capacity {
            ck.positive(&pp.key("capacity"), c, "money per year");
        }
        if let Some(t) = p.turnover {
            ck.positive(&pp.key("turnover"), t, "money per year");
        }
        parties.push(Party {
            name: p.name.clone(),
            roles: roles.unwrap_or_else(|| vec![Role::Operator]),
            capacity: p.capacity,
            turnover: p.turnover,
            outside_jurisdiction: p.outside_jurisdiction.unwrap_or(false),
        });
    }
    if list.len() > usize::from(PartyId::MAX) {
        ck.report(
            path,
            format!(
                "found {} parties, expected at most {}",
                list.len(),
                PartyId::MAX
            ),
        );
    }
    (parties, known)
}

/// A party's `role`: one name, or a list of distinct names, where an insurer stands alone.
/// `None` when any of them is wrong (reported here), so that the party's uses report nothing
/// more about its roles.
fn roles(ck: &mut Checker, path: &FieldPath, raw: &RawRoles) -> Option<Vec<Role>> {
    let roles = match raw {
        RawRoles::One(s) => vec![ck.parse(path, s, Role::parse, Role::expected)?],
        RawRoles::Many(list) => {
            if list.is_empty() {
                ck.report(
                    path,
                    format!(
                        "found an empty list, expected at least one role: {}",
                        Role::expected()
                    ),
                );
                return None;
            }
            let before = ck.problems.len();
            let roles = ck.names(path, list, Role::parse, Role::expected);
            if ck.problems.len() > before {
                return None;
            }
            roles
        }
    };
    if roles.len() > 1
        && let Some(i) = roles.iter().position(|&r| r == Role::Insurer)
    {
        let others: Vec<&str> = roles
            .iter()
            .filter(|&&r| r != Role::Insurer)
            .map(|r| r.name())
            .collect();
        // The position in `roles` is the position in the list: nothing was left out of it.
        ck.report(
            &path.index(i),
            format!(
                "found \"insurer\" together with {}, expected an insurer to have no other role (an insurer has a line of its own in the outputs, what it pays on its layers; declare the other roles as a separate [[party]])",
                others.join(" and ")
            ),
        );
        return None;
    }
    Some(roles)
}

/// Checks a class's lineage: the party of each role it names, and its installers. Returns the
/// lineage and the roles it names, even where a name did not resolve (reported here, and so
/// not again by a fault whose root cause is that role).
pub fn lineage(
    ck: &mut Checker,
    resolver: &Resolver,
    lp: &FieldPath,
    l: &RawLineage,
) -> (Lineage, Vec<Role>) {
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
    let mut named: Vec<Role> = Vec::new();
    for (key, name, role) in single {
        if let Some(name) = name {
            named.push(role);
            if let Some(id) = resolver.party(ck, &lp.key(key), name, &[role]) {
                lineage.roles.push((role, id));
            }
        }
    }
    if l.installer.is_some() || l.installers.is_some() {
        named.push(Role::Installer);
    }
    lineage.installers = installers(ck, resolver, lp, l);
    (lineage, named)
}

/// A lineage's installers with their cumulative shares, the last exactly 1: `installer` (the
/// one installer of every device) or `installers` (shares adding up to 1), not both.
fn installers(
    ck: &mut Checker,
    resolver: &Resolver,
    lp: &FieldPath,
    l: &RawLineage,
) -> Vec<(PartyId, f64)> {
    let mut installers = Vec::new();
    match (&l.installer, &l.installers) {
        (Some(_), Some(_)) => ck.report(
            &lp.key("installers"),
            "found both installer and installers, expected one of them",
        ),
        (Some(name), None) => {
            if let Some(id) = resolver.party(ck, &lp.key("installer"), name, &[Role::Installer]) {
                installers.push((id, 1.0));
            }
        }
        (None, Some(list)) => {
            let mut cum = 0.0;
            for (i, s) in list.iter().enumerate() {
                let ip = lp.key("installers").index(i);
                let id = resolver.party(ck, &ip.key("party"), &s.party, &[Role::Installer]);
                if !(s.share > 0.0 && s.share <= 1.0) {
                    ck.report(
                        &ip.key("share"),
                        format!("found {}, expected a share in (0, 1]", s.share),
                    );
                }
                cum += s.share;
                if let Some(id) = id {
                    installers.push((id, cum));
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
            if let Some(last) = installers.last_mut() {
                last.1 = 1.0;
            }
        }
        (None, None) => {}
    }
    installers
}

/// Checks a class's components: unique names, and suppliers that can supply.
pub fn components(
    ck: &mut Checker,
    resolver: &Resolver,
    path: &FieldPath,
    list: &[RawComponent],
) -> Vec<Component> {
    let mut components: Vec<Component> = Vec::new();
    for (i, comp) in list.iter().enumerate() {
        let pp = path.index(i);
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
            ck,
            &pp.key("supplier"),
            &comp.supplier,
            &[Role::ComponentSupplier, Role::Manufacturer, Role::Assembler],
        );
        components.push(Component {
            name: comp.name.clone(),
            supplier: supplier.unwrap_or(0),
        });
    }
    components
}
