//! The sign-in contexts to compare: one axis per kind of condition the
//! changed policies test (groups, user, network zone, app, platform,
//! device, risk, …), each with the distinct values they test plus one
//! value they do not ("off-network", "other platforms", a browser
//! sign-in, …), and every combination of them. An axis nobody tests is
//! not varied. The groups axis always has Everyone alone, each group the
//! changed policies test, and each pair of groups tested by different
//! policies (or rules) of one list, so a user in two groups shows which
//! policy wins.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::client::wire::Application;
use crate::evaluate::{Context, EVERYONE, EvalPolicy, Platform, PolicyList};
use crate::manifest::kind::PolicyKind;

use crate::live::mapped_policy;

/// What the matrix varies, in the order lines name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    Groups,
    User,
    Zone,
    App,
    Platform,
    Device,
    Assurance,
    Risk,
    EntityRisk,
    AuthType,
    UserType,
    Idp,
    AuthProvider,
    Client,
    GrantType,
    Scope,
}

impl Axis {
    pub const fn name(self) -> &'static str {
        match self {
            Axis::Groups => "groups",
            Axis::User => "user",
            Axis::Zone => "network zone",
            Axis::App => "app",
            Axis::Platform => "platform",
            Axis::Device => "device",
            Axis::Assurance => "device assurance",
            Axis::Risk => "risk level",
            Axis::EntityRisk => "entity risk level",
            Axis::AuthType => "authentication type",
            Axis::UserType => "user type",
            Axis::Idp => "identity provider",
            Axis::AuthProvider => "password source",
            Axis::Client => "OAuth client",
            Axis::GrantType => "grant type",
            Axis::Scope => "scope",
        }
    }
}

/// What one value of an axis puts into a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// Groups besides Everyone, as (ID, name); empty: Everyone alone.
    Groups(Vec<(String, String)>),
    User(Option<String>),
    Zone(Option<String>),
    App(Option<String>),
    Platform(Platform),
    Device {
        registered: bool,
        managed: bool,
    },
    Assurance(Option<String>),
    Risk(String),
    EntityRisk(String),
    AuthType(Option<String>),
    UserType(String),
    Idp(Option<String>),
    AuthProvider(Option<String>),
    Client(String),
    GrantType(String),
    Scope(String),
}

/// One value of an axis, with its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisValue {
    pub setting: Setting,
    pub label: String,
}

/// An axis and its values (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisValues {
    pub axis: Axis,
    pub values: Vec<AxisValue>,
}

/// The axes and how to build a context from one value of each.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub axes: Vec<AxisValues>,
    /// The Everyone group's ID (or the `EVERYONE` literal).
    pub everyone: String,
}

impl Matrix {
    /// How many contexts the matrix holds.
    pub fn size(&self) -> usize {
        self.axes
            .iter()
            .fold(1usize, |size, axis| size.saturating_mul(axis.values.len()))
    }

    /// The value indexes of context `n` (the first axis varies slowest).
    pub fn indexes(&self, mut n: usize) -> Vec<u32> {
        let mut out = vec![0; self.axes.len()];
        for (slot, axis) in out.iter_mut().zip(&self.axes).rev() {
            let len = axis.values.len().max(1);
            *slot = u32::try_from(n % len).unwrap_or(0);
            n /= len;
        }
        out
    }

    /// The context of one value on each of `axes` (positions in
    /// [`Matrix::axes`]); other axes keep their unstated default.
    pub fn context(&self, axes: &[usize], values: &[u32]) -> Context {
        let mut context = Context::default().with_everyone(&self.everyone);
        for (&axis, &value) in axes.iter().zip(values) {
            let Some(value) = self.axes[axis].values.get(value as usize) else {
                continue;
            };
            match &value.setting {
                Setting::Groups(groups) => {
                    context
                        .groups
                        .extend(groups.iter().map(|(id, _)| id.clone()));
                }
                Setting::User(user) => context.user.clone_from(user),
                Setting::Zone(zone) => context.zones.extend(zone.iter().cloned()),
                Setting::App(app) => context.app.clone_from(app),
                Setting::Platform(platform) => context.platform = Some(platform.clone()),
                Setting::Device {
                    registered,
                    managed,
                } => {
                    context.device.registered = Some(*registered);
                    context.device.managed = Some(*managed);
                }
                Setting::Assurance(assurance) => {
                    context.device.assurances.extend(assurance.iter().cloned());
                }
                Setting::Risk(level) => context.risk = Some(level.clone()),
                Setting::EntityRisk(level) => context.entity_risk = Some(level.clone()),
                Setting::AuthType(kind) => context.auth_type.clone_from(kind),
                Setting::UserType(kind) => context.user_type = Some(kind.clone()),
                Setting::Idp(idp) => context.idp.clone_from(idp),
                Setting::AuthProvider(provider) => context.auth_provider.clone_from(provider),
                Setting::Client(client) => context.client = Some(client.clone()),
                Setting::GrantType(grant) => context.grant_type = Some(grant.clone()),
                Setting::Scope(scope) => {
                    context.scopes.insert(scope.clone());
                }
            }
        }
        context
    }

    /// The position of `axis` in the matrix, when it is varied.
    pub fn position(&self, axis: Axis) -> Option<usize> {
        self.axes.iter().position(|a| a.axis == axis)
    }
}

/// The condition values a set of policies tests.
#[derive(Debug, Clone, Default)]
pub struct Tested {
    /// Groups by ID, Everyone left out.
    pub groups: BTreeSet<String>,
    /// Some policy or rule applies to Everyone (or to every group).
    pub everyone: bool,
    pub users: BTreeSet<String>,
    /// Logins that match the identifier patterns, with their words.
    pub logins: BTreeMap<String, String>,
    pub zones: BTreeSet<String>,
    pub any_zone: bool,
    pub apps: BTreeSet<String>,
    pub platforms: BTreeSet<Platform>,
    pub registered: bool,
    pub managed: bool,
    pub assurances: BTreeSet<String>,
    pub risks: BTreeSet<String>,
    pub entity_risks: BTreeSet<String>,
    pub auth_types: BTreeSet<String>,
    pub user_types: BTreeSet<String>,
    pub idps: BTreeSet<String>,
    pub okta_idp: bool,
    pub auth_providers: BTreeSet<String>,
    pub clients: BTreeSet<String>,
    pub grant_types: BTreeSet<String>,
    pub scopes: BTreeSet<String>,
}

impl Tested {
    /// What `policy` (its conditions and its rules') tests.
    pub fn add_policy(&mut self, policy: &EvalPolicy, everyone: &str) {
        self.add(&policy.conditions, everyone);
        if policy_group_include(&policy.conditions, everyone).is_none() {
            self.everyone = true;
        }
        for rule in &policy.rules {
            self.add(&rule.conditions, everyone);
        }
    }

    /// What one `conditions` object tests (as [`crate::evaluate::conditions`]
    /// checks it).
    pub fn add(&mut self, conditions: &Value, everyone: &str) {
        let Some(map) = conditions.as_object() else {
            return;
        };
        for (key, value) in map {
            match key.as_str() {
                "people" => {
                    for member in ["include", "exclude"] {
                        for group in strings(&value["groups"][member]) {
                            if is_everyone(group, everyone) {
                                self.everyone = true;
                            } else {
                                self.groups.insert(group.to_owned());
                            }
                        }
                        self.users
                            .extend(strings(&value["users"][member]).map(str::to_owned));
                    }
                }
                "network" if value["connection"].as_str() != Some("ANYWHERE") => {
                    for member in ["include", "exclude"] {
                        for zone in strings(&value[member]) {
                            if zone == "ALL_ZONES" {
                                self.any_zone = true;
                            } else {
                                self.zones.insert(zone.to_owned());
                            }
                        }
                    }
                }
                "authContext" => {
                    if let Some(kind) = value["authType"].as_str().filter(|t| *t != "ANY") {
                        self.auth_types.insert(kind.to_ascii_uppercase());
                    }
                }
                "identityProvider" => match value["provider"].as_str().unwrap_or("ANY") {
                    "ANY" => {}
                    "OKTA" => self.okta_idp = true,
                    _ => {
                        self.idps
                            .extend(strings(&value["idpIds"]).map(str::to_owned));
                    }
                },
                "platform" => {
                    for member in ["include", "exclude"] {
                        for wanted in value[member].as_array().into_iter().flatten() {
                            if let Some(platform) = representative_platform(wanted) {
                                self.platforms.insert(platform);
                            }
                        }
                    }
                }
                "device" => {
                    self.registered |= value["registered"].as_bool() == Some(true);
                    self.managed |= value["managed"].as_bool() == Some(true);
                    self.assurances
                        .extend(strings(&value["assurance"]["include"]).map(str::to_owned));
                }
                "riskScore" => {
                    if let Some(level) = value["level"].as_str().filter(|l| *l != "ANY") {
                        self.risks.insert(level.to_ascii_uppercase());
                    }
                }
                "entityRisk" => {
                    if let Some(level) = value["level"].as_str().filter(|l| *l != "ANY") {
                        self.entity_risks.insert(level.to_ascii_uppercase());
                    }
                }
                "userType" => {
                    for member in ["include", "exclude"] {
                        self.user_types
                            .extend(strings(&value[member]).map(str::to_owned));
                    }
                }
                "app" => {
                    for member in ["include", "exclude"] {
                        for app in value[member].as_array().into_iter().flatten() {
                            if let Some(id) = app["id"].as_str().or_else(|| app["name"].as_str()) {
                                self.apps.insert(id.to_owned());
                            }
                        }
                    }
                }
                "userIdentifier" if value["type"].as_str() != Some("ATTRIBUTE") => {
                    for pattern in value["patterns"].as_array().into_iter().flatten() {
                        if let Some((login, label)) = sample_login(pattern) {
                            self.logins.insert(login, label);
                        }
                    }
                }
                "authProvider" => {
                    if let Some(provider) = value["provider"].as_str().filter(|p| *p != "ANY") {
                        self.auth_providers.insert(provider.to_ascii_uppercase());
                    }
                }
                "clients" => {
                    let include: Vec<&str> = strings(&value["include"]).collect();
                    if !include.contains(&"ALL_CLIENTS") {
                        self.clients.extend(include.into_iter().map(str::to_owned));
                    }
                }
                "grantTypes" => {
                    self.grant_types
                        .extend(strings(&value["include"]).map(str::to_owned));
                }
                "scopes" => {
                    let include: Vec<&str> = strings(&value["include"]).collect();
                    if !include.contains(&"*") {
                        self.scopes.extend(include.into_iter().map(str::to_owned));
                    }
                }
                _ => {}
            }
        }
    }

    /// The axes this tests (groups only when some group besides Everyone is).
    pub fn axes(&self) -> BTreeSet<Axis> {
        let mut axes = BTreeSet::new();
        let mut add = |axis, tested: bool| {
            if tested {
                axes.insert(axis);
            }
        };
        add(Axis::Groups, !self.groups.is_empty());
        add(
            Axis::User,
            !self.users.is_empty() || !self.logins.is_empty(),
        );
        add(Axis::Zone, !self.zones.is_empty() || self.any_zone);
        add(Axis::App, !self.apps.is_empty());
        add(Axis::Platform, !self.platforms.is_empty());
        add(Axis::Device, self.registered || self.managed);
        add(Axis::Assurance, !self.assurances.is_empty());
        add(Axis::Risk, !self.risks.is_empty());
        add(Axis::EntityRisk, !self.entity_risks.is_empty());
        add(Axis::AuthType, !self.auth_types.is_empty());
        add(Axis::UserType, !self.user_types.is_empty());
        add(Axis::Idp, !self.idps.is_empty() || self.okta_idp);
        add(Axis::AuthProvider, !self.auth_providers.is_empty());
        add(Axis::Client, !self.clients.is_empty());
        add(Axis::GrantType, !self.grant_types.is_empty());
        add(Axis::Scope, !self.scopes.is_empty());
        axes
    }
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn is_everyone(group: &str, everyone: &str) -> bool {
    group == EVERYONE || group == everyone
}

/// The groups a policy's own conditions include; `None` when it applies
/// to everyone (no include, or the Everyone group).
fn policy_group_include(conditions: &Value, everyone: &str) -> Option<BTreeSet<String>> {
    let include: BTreeSet<String> = strings(&conditions["people"]["groups"]["include"])
        .map(str::to_owned)
        .collect();
    if include.is_empty() || include.iter().any(|g| is_everyone(g, everyone)) {
        None
    } else {
        Some(include)
    }
}

/// A platform that a `platform.include`/`exclude` entry matches; `None`
/// for an entry that matches every platform.
fn representative_platform(wanted: &Value) -> Option<Platform> {
    let kind = wanted["type"]
        .as_str()
        .unwrap_or("ANY")
        .to_ascii_uppercase();
    let os = wanted["os"]["type"]
        .as_str()
        .unwrap_or("ANY")
        .to_ascii_uppercase();
    let os = if os == "OSX" { "MACOS".to_owned() } else { os };
    match (kind.as_str(), os.as_str()) {
        ("ANY", "ANY") => None,
        (_, "ANY") => Some(Platform { kind, os: None }),
        ("ANY", _) => Some(Platform {
            kind: if matches!(os.as_str(), "IOS" | "ANDROID") {
                "MOBILE".to_owned()
            } else {
                "DESKTOP".to_owned()
            },
            os: Some(os),
        }),
        _ => Some(Platform { kind, os: Some(os) }),
    }
}

/// A login that an identifier pattern matches, and the pattern in words.
fn sample_login(pattern: &Value) -> Option<(String, String)> {
    let value = pattern["value"].as_str()?;
    match pattern["matchType"].as_str().unwrap_or("EQUALS") {
        "EQUALS" => Some((value.to_owned(), format!("login {value}"))),
        "SUFFIX" => Some((format!("user{value}"), format!("logins ending in {value}"))),
        "STARTS_WITH" => Some((
            format!("{value}user"),
            format!("logins starting with {value}"),
        )),
        "CONTAINS" => Some((format!("x{value}x"), format!("logins containing {value}"))),
        _ => None,
    }
}

/// A policy list with changes, before and after.
#[derive(Debug, Clone, Copy)]
pub struct Changed<'a> {
    pub kind: PolicyKind,
    pub before: Option<&'a PolicyList>,
    pub after: Option<&'a PolicyList>,
}

impl<'a> Changed<'a> {
    /// Every policy of the list, before and after.
    pub fn policies(&self) -> impl Iterator<Item = &'a EvalPolicy> {
        self.before
            .into_iter()
            .chain(self.after)
            .flat_map(|list| list.policies.iter())
    }
}

/// Builds the matrix from the changed policies (`changed`: their IDs) of
/// `lists`. `name` gives an object's name by ID.
pub fn build(
    lists: &[Changed<'_>],
    changed: &BTreeSet<String>,
    apps_before: &[Application],
    apps_after: &[Application],
    everyone: &str,
    name: &dyn Fn(&str) -> String,
) -> Matrix {
    let is_changed = |p: &EvalPolicy| p.id.as_ref().is_some_and(|id| changed.contains(id));
    let mut tested = Tested::default();
    for list in lists {
        for policy in list.policies().filter(|p| is_changed(p)) {
            tested.add_policy(policy, everyone);
        }
    }
    let mut axes = vec![AxisValues {
        axis: Axis::Groups,
        values: group_values(lists, &is_changed, &tested, everyone, name),
    }];
    let mut push = |axis: Axis, values: Vec<AxisValue>| {
        if !values.is_empty() {
            axes.push(AxisValues { axis, values });
        }
    };
    let value = |setting: Setting, label: String| AxisValue { setting, label };

    if !tested.users.is_empty() || !tested.logins.is_empty() {
        let mut values: Vec<AxisValue> = tested
            .users
            .iter()
            .map(|u| value(Setting::User(Some(u.clone())), format!("user {}", name(u))))
            .collect();
        values.extend(
            tested
                .logins
                .iter()
                .map(|(login, label)| value(Setting::User(Some(login.clone())), label.clone())),
        );
        values.push(value(Setting::User(None), "other users".to_owned()));
        push(Axis::User, values);
    }
    if !tested.zones.is_empty() || tested.any_zone {
        let mut values: Vec<AxisValue> = tested
            .zones
            .iter()
            .map(|z| value(Setting::Zone(Some(z.clone())), format!("from {}", name(z))))
            .collect();
        if tested.zones.is_empty() {
            values.push(value(
                Setting::Zone(Some("(a network zone)".to_owned())),
                "from a network zone".to_owned(),
            ));
        }
        values.push(value(Setting::Zone(None), "off-network".to_owned()));
        push(Axis::Zone, values);
    }
    push(
        Axis::App,
        app_values(lists, changed, &tested, apps_before, apps_after, name),
    );
    if !tested.platforms.is_empty() {
        let mut values: Vec<AxisValue> = tested
            .platforms
            .iter()
            .map(|p| {
                let label = match &p.os {
                    Some(os) => format!("on {}/{os}", p.kind),
                    None => format!("on {}", p.kind),
                };
                value(Setting::Platform(p.clone()), label)
            })
            .collect();
        values.push(value(
            Setting::Platform(Platform {
                kind: "OTHER".to_owned(),
                os: Some("OTHER".to_owned()),
            }),
            "on other platforms".to_owned(),
        ));
        push(Axis::Platform, values);
    }
    if tested.registered || tested.managed {
        let device = |registered, managed, label: &str| {
            value(
                Setting::Device {
                    registered,
                    managed,
                },
                label.to_owned(),
            )
        };
        let values = match (tested.registered, tested.managed) {
            (true, true) => vec![
                device(true, true, "managed device"),
                device(true, false, "registered but unmanaged device"),
                device(false, false, "unregistered device"),
            ],
            (true, false) => vec![
                device(true, false, "registered device"),
                device(false, false, "unregistered device"),
            ],
            _ => vec![
                device(true, true, "managed device"),
                device(false, false, "unmanaged device"),
            ],
        };
        push(Axis::Device, values);
    }
    if !tested.assurances.is_empty() {
        let mut values: Vec<AxisValue> = tested
            .assurances
            .iter()
            .map(|a| {
                value(
                    Setting::Assurance(Some(a.clone())),
                    format!("device meets {}", name(a)),
                )
            })
            .collect();
        values.push(value(
            Setting::Assurance(None),
            "device meets no assurance policy".to_owned(),
        ));
        push(Axis::Assurance, values);
    }
    push(
        Axis::Risk,
        levels(&tested.risks, "risk", |l| Setting::Risk(l.to_owned())),
    );
    push(
        Axis::EntityRisk,
        levels(&tested.entity_risks, "entity risk", |l| {
            Setting::EntityRisk(l.to_owned())
        }),
    );
    if !tested.auth_types.is_empty() {
        let mut values: Vec<AxisValue> = tested
            .auth_types
            .iter()
            .map(|t| value(Setting::AuthType(Some(t.clone())), format!("{t} sign-in")))
            .collect();
        values.push(value(Setting::AuthType(None), "browser sign-in".to_owned()));
        push(Axis::AuthType, values);
    }
    push(
        Axis::UserType,
        others(
            &tested.user_types,
            Setting::UserType,
            |t| format!("user type {}", name(t)),
            "other user types",
        ),
    );
    if !tested.idps.is_empty() || tested.okta_idp {
        let mut values = vec![value(Setting::Idp(None), "signing in with Okta".to_owned())];
        values.extend(
            tested
                .idps
                .iter()
                .map(|i| value(Setting::Idp(Some(i.clone())), format!("via {}", name(i)))),
        );
        if tested.idps.is_empty() {
            values.push(value(
                Setting::Idp(Some("(another identity provider)".to_owned())),
                "via another identity provider".to_owned(),
            ));
        }
        push(Axis::Idp, values);
    }
    if !tested.auth_providers.is_empty() {
        let mut providers = tested.auth_providers.clone();
        providers.insert("OKTA".to_owned());
        if providers.len() == 1 {
            providers.insert("ACTIVE_DIRECTORY".to_owned());
        }
        let values = providers
            .iter()
            .map(|p| {
                let label = match p.as_str() {
                    "OKTA" => "Okta-sourced users".to_owned(),
                    "ACTIVE_DIRECTORY" => "Active Directory users".to_owned(),
                    other => format!("{other} users"),
                };
                let setting = (p != "OKTA").then(|| p.clone());
                value(Setting::AuthProvider(setting), label)
            })
            .collect();
        push(Axis::AuthProvider, values);
    }
    push(
        Axis::Client,
        others(
            &tested.clients,
            Setting::Client,
            |c| format!("client {}", name(c)),
            "other clients",
        ),
    );
    push(
        Axis::GrantType,
        others(
            &tested.grant_types,
            Setting::GrantType,
            |g| format!("{g} grant"),
            "other grant types",
        ),
    );
    push(
        Axis::Scope,
        others(
            &tested.scopes,
            Setting::Scope,
            |s| format!("scope {s}"),
            "other scopes",
        ),
    );
    Matrix {
        axes,
        everyone: everyone.to_owned(),
    }
}

/// Each tested value, then one that none of them is.
fn others(
    tested: &BTreeSet<String>,
    setting: fn(String) -> Setting,
    label: impl Fn(&str) -> String,
    other: &str,
) -> Vec<AxisValue> {
    if tested.is_empty() {
        return Vec::new();
    }
    let mut values: Vec<AxisValue> = tested
        .iter()
        .map(|v| AxisValue {
            setting: setting(v.clone()),
            label: label(v),
        })
        .collect();
    values.push(AxisValue {
        setting: setting(format!("(other {})", other.trim_start_matches("other "))),
        label: other.to_owned(),
    });
    values
}

/// The tested risk levels and the first level none of them is.
fn levels(tested: &BTreeSet<String>, noun: &str, setting: fn(&str) -> Setting) -> Vec<AxisValue> {
    if tested.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<&str> = ["LOW", "MEDIUM", "HIGH"]
        .into_iter()
        .filter(|l| tested.contains(*l))
        .collect();
    all.extend(
        tested
            .iter()
            .map(String::as_str)
            .filter(|l| !["LOW", "MEDIUM", "HIGH"].contains(l)),
    );
    if let Some(other) = ["LOW", "MEDIUM", "HIGH"]
        .into_iter()
        .find(|l| !tested.contains(*l))
    {
        all.push(other);
    }
    all.into_iter()
        .map(|level| AxisValue {
            setting: setting(level),
            label: format!("{level} {noun}"),
        })
        .collect()
}

/// Everyone alone; each group the changed policies test; each pair of
/// groups tested by different policies of one list (or by different
/// rules of a changed policy), one of them changed. A changed policy that
/// applies to everyone pairs with every group another policy tests: those
/// groups stand alone.
fn group_values(
    lists: &[Changed<'_>],
    is_changed: &dyn Fn(&EvalPolicy) -> bool,
    tested: &Tested,
    everyone: &str,
    name: &dyn Fn(&str) -> String,
) -> Vec<AxisValue> {
    let mut singles: BTreeSet<String> = tested.groups.clone();
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    let groups_of = |conditions: &Value| {
        let mut t = Tested::default();
        t.add(conditions, everyone);
        t.groups
    };
    let pair = |a: &String, b: &String, pairs: &mut BTreeSet<(String, String)>| {
        if a != b {
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            pairs.insert((a.clone(), b.clone()));
        }
    };
    for list in lists {
        let policies: Vec<&EvalPolicy> = list.policies().collect();
        for policy in policies.iter().filter(|p| is_changed(p)) {
            let mut own = Tested::default();
            own.add_policy(policy, everyone);
            let applies_to_everyone = policy_group_include(&policy.conditions, everyone).is_none();
            // Access and profile enrollment policies never compete: the app picks one.
            if !list.kind.has_app_mappings() {
                for other in policies.iter().filter(|o| o.id != policy.id) {
                    let mut theirs = Tested::default();
                    theirs.add_policy(other, everyone);
                    for a in &own.groups {
                        for b in &theirs.groups {
                            pair(a, b, &mut pairs);
                        }
                    }
                    if applies_to_everyone {
                        singles.extend(theirs.groups.iter().cloned());
                    }
                }
            }
            let rules: Vec<BTreeSet<String>> = policy
                .rules
                .iter()
                .map(|r| groups_of(&r.conditions))
                .collect();
            for (i, first) in rules.iter().enumerate() {
                for second in &rules[i + 1..] {
                    for a in first {
                        for b in second {
                            pair(a, b, &mut pairs);
                        }
                    }
                }
            }
        }
    }
    let mut singles: Vec<(String, String)> = singles.into_iter().map(|g| (name(&g), g)).collect();
    singles.sort();
    let mut pairs: Vec<(String, String, String, String)> = pairs
        .into_iter()
        .map(|(a, b)| {
            let (na, nb) = (name(&a), name(&b));
            if na <= nb {
                (na, nb, a, b)
            } else {
                (nb, na, b, a)
            }
        })
        .collect();
    pairs.sort();
    let mut values = vec![AxisValue {
        setting: Setting::Groups(Vec::new()),
        label: "Everyone alone".to_owned(),
    }];
    values.extend(singles.into_iter().map(|(label, id)| AxisValue {
        setting: Setting::Groups(vec![(id, label.clone())]),
        label,
    }));
    values.extend(pairs.into_iter().map(|(na, nb, a, b)| AxisValue {
        label: format!("{na} & {nb}"),
        setting: Setting::Groups(vec![(a, na), (b, nb)]),
    }));
    values
}

/// The apps whose sign-ins can change: those mapped to a changed access or
/// profile enrollment policy before or after, and those a changed policy
/// names in an app condition. Apps that behave alike (the same policies
/// before and after, named in no condition) are one value.
fn app_values(
    lists: &[Changed<'_>],
    changed: &BTreeSet<String>,
    tested: &Tested,
    apps_before: &[Application],
    apps_after: &[Application],
    name: &dyn Fn(&str) -> String,
) -> Vec<AxisValue> {
    let mapped_kinds: Vec<PolicyKind> = lists
        .iter()
        .map(|l| l.kind)
        .filter(|k| k.has_app_mappings())
        .collect();
    if mapped_kinds.is_empty() && tested.apps.is_empty() {
        return Vec::new();
    }
    let policy_of = |apps: &[Application], id: &str, kind: PolicyKind| {
        apps.iter()
            .find(|a| a.id.as_deref() == Some(id))
            .and_then(|a| mapped_policy(a, kind))
            .map(str::to_owned)
    };
    // Class key → (label, app ID) of its apps.
    let mut classes: BTreeMap<Vec<Option<String>>, Vec<(String, String)>> = BTreeMap::new();
    for app in apps_before.iter().chain(apps_after) {
        let Some(id) = app.id.as_deref() else {
            continue;
        };
        let mut key = Vec::new();
        let mut relevant = tested.apps.contains(id);
        for kind in &mapped_kinds {
            let before = policy_of(apps_before, id, *kind);
            let after = policy_of(apps_after, id, *kind);
            relevant |= [&before, &after]
                .iter()
                .any(|p| p.as_ref().is_some_and(|p| changed.contains(p)));
            key.push(before);
            key.push(after);
        }
        if !relevant {
            continue;
        }
        key.push(tested.apps.contains(id).then(|| id.to_owned()));
        let label = app.label.clone().unwrap_or_else(|| id.to_owned());
        let members = classes.entry(key).or_default();
        if !members.iter().any(|(_, member)| member == id) {
            members.push((label, id.to_owned()));
        }
    }
    // Apps named in conditions but not in the apps list.
    for id in &tested.apps {
        if !classes.values().flatten().any(|(_, member)| member == id) {
            let mut key = vec![None; mapped_kinds.len() * 2];
            key.push(Some(id.clone()));
            classes.insert(key, vec![(name(id), id.clone())]);
        }
    }
    let mut values: Vec<AxisValue> = classes
        .into_values()
        .map(|mut members| {
            members.sort();
            let label = app_class_label(&members);
            AxisValue {
                setting: Setting::App(Some(members[0].1.clone())),
                label,
            }
        })
        .collect();
    values.sort_by(|a, b| a.label.cmp(&b.label));
    values
}

/// "Workday", "Workday or NetSuite", "Jira, Workday, Zoom and 4 other apps".
fn app_class_label(members: &[(String, String)]) -> String {
    let labels: Vec<&str> = members.iter().map(|(label, _)| label.as_str()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} or {second}"),
        [first, second, third] => format!("{first}, {second} or {third}"),
        [first, second, third, rest @ ..] => {
            format!("{first}, {second}, {third} or {} other apps", rest.len())
        }
    }
}
