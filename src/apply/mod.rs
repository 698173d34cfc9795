//! Apply: execute a plan against the org by walking its dependency graph.
//! Independent changes run concurrently (up to `parallelism`, within the
//! client's rate limiting); writes to one ordered list run one at a time. A
//! failed change skips everything that depends on it, independent changes
//! go on, and the report lists every change as done, failed (with Okta's
//! error code) or skipped (with the failure that caused it). A stop request
//! (Ctrl-C) starts nothing new and lets in-flight changes finish.

pub mod execute;
pub mod graph;
pub mod guard;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;

use self::graph::{ApplyGraph, Cycles, ListKey};
use crate::client::Api;
use crate::plan::{Change, Plan};

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Outcome {
    /// The API call succeeded.
    Done,
    /// The API call failed.
    Failed {
        error: String,
        error_code: Option<String>,
    },
    /// Not attempted: change `because` failed, and this one depends on it.
    Skipped { because: usize },
    /// Not started: the run was stopped.
    NotStarted,
}

/// Every change with its outcome, in plan order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// Changes that failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    /// Changes that were done.
    pub fn done(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Done))
    }

    /// Changes that were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }

    /// Changes never started (stopped run).
    pub fn not_started(&self) -> usize {
        self.count(|o| matches!(o, Outcome::NotStarted))
    }

    /// Whether every change was done.
    pub fn complete(&self) -> bool {
        self.done() == self.outcomes.len()
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|o| f(o)).count()
    }
}

/// Hears about each change as it starts and ends (progress bar, CI log).
pub trait Observer: Send + Sync {
    /// The policy ID a change works on, known once it starts (it may have
    /// been created earlier in the run).
    fn policy_of(&self, _index: usize, _policy: Option<&str>) {}
    fn started(&self, _index: usize, _change: &Change) {}
    fn finished(
        &self,
        _index: usize,
        _change: &Change,
        _outcome: &Outcome,
        _elapsed: std::time::Duration,
    ) {
    }
}

/// An observer that does nothing.
pub struct Silent;
impl Observer for Silent {}

/// How to apply.
#[derive(Clone)]
pub struct ApplyOptions {
    /// Changes in flight at once.
    pub parallelism: usize,
    /// Set to stop starting new changes.
    pub stop: Arc<AtomicBool>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            parallelism: 4,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Executes `plan` with default options and no observer.
pub async fn apply(api: &dyn Api, plan: &Plan) -> Report {
    match apply_with(api, plan, &ApplyOptions::default(), &Silent).await {
        Ok(report) => report,
        Err(cycles) => Report {
            outcomes: plan
                .changes
                .iter()
                .map(|_| Outcome::Failed {
                    error: cycles.to_string(),
                    error_code: None,
                })
                .collect(),
        },
    }
}

/// Walks the plan's graph. Fails before anything runs when the plan's
/// edges have a cycle.
pub async fn apply_with(
    api: &dyn Api,
    plan: &Plan,
    options: &ApplyOptions,
    observer: &dyn Observer,
) -> Result<Report, Cycles> {
    let graph = ApplyGraph::new(plan)?;
    let count = plan.changes.len();
    let mut waiting: Vec<usize> = (0..count).map(|i| graph.prerequisites(i).len()).collect();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; count];
    let mut ready: BTreeSet<usize> = (0..count).filter(|&i| waiting[i] == 0).collect();
    let mut busy: HashSet<ListKey> = HashSet::new();
    let mut created: HashMap<usize, String> = HashMap::new();
    let mut in_flight = FuturesUnordered::new();
    let parallelism = options.parallelism.max(1);

    loop {
        while in_flight.len() < parallelism && !options.stop.load(Ordering::SeqCst) {
            let Some(&next) = ready.iter().find(|&&i| !busy.contains(&graph.lists[i])) else {
                break;
            };
            ready.remove(&next);
            let change = &plan.changes[next];
            let policy = match execute::needed_policy(plan, change, &created) {
                Ok(policy) => policy,
                Err(error) => {
                    let outcome = failed(&error);
                    observer.finished(next, change, &outcome, std::time::Duration::ZERO);
                    outcomes[next] = Some(outcome);
                    skip_dependents(&graph, next, &mut outcomes);
                    continue;
                }
            };
            busy.insert(graph.lists[next].clone());
            observer.policy_of(next, policy.as_deref());
            observer.started(next, change);
            in_flight.push(async move {
                let started = Instant::now();
                let result = execute::execute(api, change, policy).await;
                (next, result, started.elapsed())
            });
        }
        let Some((index, result, elapsed)) = in_flight.next().await else {
            break;
        };
        busy.remove(&graph.lists[index]);
        let change = &plan.changes[index];
        let outcome = match result {
            Ok(id) => {
                if let Some(id) = id {
                    created.insert(index, id);
                }
                for dependent in graph.dependents(index) {
                    waiting[dependent] = waiting[dependent].saturating_sub(1);
                    if waiting[dependent] == 0 && outcomes[dependent].is_none() {
                        ready.insert(dependent);
                    }
                }
                Outcome::Done
            }
            Err(error) => failed(&error),
        };
        observer.finished(index, change, &outcome, elapsed);
        let failed_now = matches!(outcome, Outcome::Failed { .. });
        outcomes[index] = Some(outcome);
        if failed_now {
            skip_dependents(&graph, index, &mut outcomes);
            ready.retain(|i| outcomes[*i].is_none());
        }
    }
    Ok(Report {
        outcomes: outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Outcome::NotStarted))
            .collect(),
    })
}

fn failed(error: &crate::client::ApiError) -> Outcome {
    Outcome::Failed {
        error: error.to_string(),
        error_code: error.error_code().map(str::to_owned),
    }
}

/// Marks everything downstream of a failed change as skipped because of it.
fn skip_dependents(graph: &ApplyGraph, root: usize, outcomes: &mut [Option<Outcome>]) {
    let mut queue: VecDeque<usize> = graph.dependents(root).into();
    while let Some(next) = queue.pop_front() {
        if outcomes[next].is_some() {
            continue;
        }
        outcomes[next] = Some(Outcome::Skipped { because: root });
        queue.extend(graph.dependents(next));
    }
}
