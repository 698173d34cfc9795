//! The accept loop: HTTP/1.1 connections served by hyper, each request
//! through the router. A response marked [`DropConnection`] by fault
//! injection is never sent — the service fails and hyper closes the
//! connection, which is what a client sees when a real server or a proxy
//! dies mid-request. On shutdown the loop stops accepting, lets requests in
//! flight finish (idle keep-alive connections close at once), and gives up
//! on stragglers after a grace period.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;

use super::faults::DropConnection;

/// How long requests in flight may take to finish after shutdown begins.
const GRACE: Duration = Duration::from_secs(5);

/// Serves `listener` until `shutdown` fires (or its sender is dropped).
pub async fn accept_loop(listener: TcpListener, router: Router, shutdown: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait, then go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let router = router.clone();
            async move {
                let response = router
                    .oneshot(request.map(axum::body::Body::new))
                    .await
                    .unwrap_or_else(|never: Infallible| match never {});
                if response.extensions().get::<DropConnection>().is_some() {
                    Err(std::io::Error::other(
                        "connection dropped by fault injection",
                    ))
                } else {
                    Ok(response)
                }
            }
        });
        let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away, or a dropped connection, ends here.
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(GRACE) => {}
    }
}
