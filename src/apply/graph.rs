//! The apply graph: one node per change, an edge for every dependency the
//! plan states, and the ordered list each change writes to (the policies of
//! one kind, or the rules of one policy), because Okta renumbers a list on
//! every write and rejects concurrent rule writes while "priorities are
//! being reconciled": writes to one list never run at the same time.
//! Cycles are reported, all of them, before anything runs.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::client::Scope;
use crate::manifest::PolicyKind;
use crate::plan::{Plan, Target};

/// Which ordered list a change writes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKey {
    /// The policies of one kind (in one scope).
    Policies(Scope, PolicyKind),
    /// The rules of one policy: by ID, or by the change creating it.
    Rules(Scope, String),
    /// App mappings: one app at a time.
    App(String),
}

/// The changes as a graph.
#[derive(Debug)]
pub struct ApplyGraph {
    pub graph: DiGraph<usize, ()>,
    /// Node of each change.
    pub nodes: Vec<NodeIndex>,
    /// The list each change writes to.
    pub lists: Vec<ListKey>,
}

/// Dependency cycles, each as the addresses of its changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("the plan's changes depend on each other in {} cycle(s): {}", .0.len(), .0.iter().map(|c| c.join(" → ")).collect::<Vec<_>>().join("; "))]
#[diagnostic(
    code(oktapol::apply::cycle),
    help("this is a bug in the planner; please report it with the plan file")
)]
pub struct Cycles(pub Vec<Vec<String>>);

impl ApplyGraph {
    /// Builds the graph; fails with every cycle when there is one.
    pub fn new(plan: &Plan) -> Result<Self, Cycles> {
        let mut graph = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..plan.changes.len()).map(|i| graph.add_node(i)).collect();
        for &(before, after) in &plan.edges {
            if let (Some(&b), Some(&a)) = (nodes.get(before), nodes.get(after)) {
                graph.add_edge(b, a, ());
            }
        }
        let cycles: Vec<Vec<String>> = tarjan_scc(&graph)
            .into_iter()
            .filter(|component| {
                component.len() > 1
                    || component
                        .first()
                        .is_some_and(|&n| graph.contains_edge(n, n))
            })
            .map(|component| {
                component
                    .iter()
                    .map(|&n| plan.changes[graph[n]].address.clone())
                    .collect()
            })
            .collect();
        if !cycles.is_empty() {
            return Err(Cycles(cycles));
        }
        let lists = plan
            .changes
            .iter()
            .map(|change| list_key(&change.target))
            .collect();
        Ok(ApplyGraph {
            graph,
            nodes,
            lists,
        })
    }

    /// The changes `index` waits for.
    pub fn prerequisites(&self, index: usize) -> Vec<usize> {
        self.graph
            .neighbors_directed(self.nodes[index], petgraph::Direction::Incoming)
            .map(|n| self.graph[n])
            .collect()
    }

    /// The changes waiting for `index`.
    pub fn dependents(&self, index: usize) -> Vec<usize> {
        self.graph
            .neighbors_directed(self.nodes[index], petgraph::Direction::Outgoing)
            .map(|n| self.graph[n])
            .collect()
    }
}

fn list_key(target: &Target) -> ListKey {
    match target {
        Target::Policy { kind, scope, .. } => ListKey::Policies(scope.clone(), *kind),
        Target::Rule {
            scope,
            policy_id,
            policy_change,
            ..
        } => {
            let policy = match (policy_id, policy_change) {
                (Some(id), _) => id.clone(),
                (None, Some(change)) => format!("change {change}"),
                (None, None) => String::new(),
            };
            ListKey::Rules(scope.clone(), policy)
        }
        Target::AppMapping { app_id, .. } => ListKey::App(app_id.clone()),
    }
}
