//! The engine distributed on Apache DataFusion Ballista, for a Land-wide Statistikstelle: a
//! scheduler plans each query into stages and hands their tasks to executors, which read the
//! record files and exchange intermediate results over Arrow Flight. A run then uses a client
//! session of the scheduler ([`crate::engine::Place::Cluster`]) instead of the local engine; the
//! SQL, the checks, the linkage and disclosure control stay the same.
//!
//! Every executor must see the record files under the paths the specification names (one machine,
//! or a shared file system). Scheduler and executors speak unencrypted gRPC without
//! authentication: bind them to loopback or to the office's sealed network only.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;

use crate::Error;

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Cluster(e.to_string())
}

/// Runs a scheduler on `bind` until the process ends; clients and executors reach it at
/// `df://HOST:PORT` and `HOST:PORT`.
pub async fn scheduler(bind: SocketAddr) -> Result<(), Error> {
    let config = SchedulerConfig {
        bind_host: bind.ip().to_string(),
        external_host: bind.ip().to_string(),
        bind_port: bind.port(),
        ..SchedulerConfig::default()
    };
    let cluster = BallistaCluster::new_from_config(&config).await.map_err(failed)?;
    start_server(cluster, bind, Arc::new(config)).await.map_err(failed)
}

/// Where an executor listens and whom it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executor {
    /// The scheduler's address.
    pub scheduler: SocketAddr,
    /// The address of the executor's Arrow Flight service (intermediate results); its gRPC
    /// service (tasks from the scheduler) listens on the next port.
    pub bind: SocketAddr,
    /// Tasks run at once.
    pub tasks: usize,
    /// Memory of the executor's queries before they spill to disk, in bytes.
    pub memory: u64,
    /// The folder of the executor's intermediate results (a new temporary folder if `None`).
    pub work_dir: Option<PathBuf>,
}

/// Runs an executor until the process ends.
pub async fn executor(settings: &Executor) -> Result<(), Error> {
    let port = settings.bind.port();
    let grpc_port = port.checked_add(1).ok_or_else(|| failed("the executor's port must be below 65535"))?;
    let config = ExecutorProcessConfig {
        bind_host: settings.bind.ip().to_string(),
        external_host: Some(settings.bind.ip().to_string()),
        port,
        grpc_port,
        scheduler_host: settings.scheduler.ip().to_string(),
        scheduler_port: settings.scheduler.port(),
        vcores: settings.tasks.max(1),
        memory_pool_size: Some(settings.memory),
        work_dir: settings.work_dir.as_ref().map(|d| d.display().to_string()),
        print_thread_info: false,
        ..ExecutorProcessConfig::default()
    };
    start_executor_process(Arc::new(config)).await.map_err(failed)
}
