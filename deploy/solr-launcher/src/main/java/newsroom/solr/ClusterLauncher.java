package newsroom.solr;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A SolrCloud cluster on 127.0.0.1 for tests and benchmarks: an embedded ZooKeeper and N Solr
 * nodes (Jetty) in this one JVM, from solr-test-framework's MiniSolrCloudCluster.
 *
 * <p>It only runs the cluster: the application uploads its configset and creates its collections
 * itself (articles/search/solr), as it does on a production cluster.
 *
 * <p>Once every node is up it writes KEY=VALUE lines to the ready file (ZK_HOST, SOLR_NODE_URLS,
 * SOLR_CONTROL_URL) and serves a small control API on 127.0.0.1 for the node-loss tests: POST
 * /nodes/N/stop and /nodes/N/start (N from 0; a node restarts on its port), GET /nodes. It stops
 * the cluster on SIGTERM or POST /shutdown.
 *
 * <p>Usage: ClusterLauncher BASE_DIR READY_FILE [NODES]
 */
public final class ClusterLauncher {
  private final MiniSolrCloudCluster cluster;
  private final List<JettySolrRunner> nodes;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ClusterLauncher(MiniSolrCloudCluster cluster) {
    this.cluster = cluster;
    this.nodes = new ArrayList<>(cluster.getJettySolrRunners());
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ClusterLauncher BASE_DIR READY_FILE [NODES]");
      System.exit(2);
    }
    Path base = Path.of(args[0]);
    Path ready = Path.of(args[1]);
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    // Jetty binds 127.0.0.1 (MiniSolrCloudCluster's solr.xml registers the nodes under it too).
    System.setProperty("host", "127.0.0.1");
    System.setProperty("jetty.host", "127.0.0.1");
    // Let SolrJ and Solr talk between the nodes of this machine only.
    System.setProperty("solr.allowUrls", "");
    System.setProperty(MiniSolrCloudCluster.TEST_URL_ALLOW_LIST, "");
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster(count, base, JettyConfig.builder().setPort(0).build());
    ClusterLauncher launcher = new ClusterLauncher(cluster);
    Runtime.getRuntime().addShutdownHook(new Thread(launcher::shutdown));
    HttpServer control = launcher.serveControl();
    launcher.writeReady(ready, control.getAddress().getPort());
    System.out.println("SolrCloud ready: " + launcher.nodeUrls());
    launcher.stopped.await();
    control.stop(0);
    System.exit(0);
  }

  private String nodeUrls() {
    List<String> urls = new ArrayList<>();
    for (JettySolrRunner node : nodes) {
      urls.add("http://127.0.0.1:" + node.getLocalPort() + "/solr");
    }
    return String.join(",", urls);
  }

  private void writeReady(Path ready, int controlPort) throws IOException {
    String text =
        "ZK_HOST="
            + cluster.getZkServer().getZkAddress()
            + "\nSOLR_NODE_URLS="
            + nodeUrls()
            + "\nSOLR_CONTROL_URL=http://127.0.0.1:"
            + controlPort
            + "\n";
    Path partial = ready.resolveSibling(ready.getFileName() + ".partial");
    Files.writeString(partial, text, StandardCharsets.UTF_8);
    Files.move(partial, ready); // the script sees the whole file or none
  }

  private HttpServer serveControl() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
    return server;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String[] parts = exchange.getRequestURI().getPath().split("/");
    String method = exchange.getRequestMethod();
    int status = 200;
    String body;
    try {
      if (parts.length == 2 && parts[1].equals("nodes") && method.equals("GET")) {
        body = describe();
      } else if (parts.length == 2 && parts[1].equals("shutdown") && method.equals("POST")) {
        body = "stopping\n";
        new Thread(this::shutdown).start();
      } else if (parts.length == 4 && parts[1].equals("nodes") && method.equals("POST")) {
        JettySolrRunner node = nodes.get(Integer.parseInt(parts[2]));
        if (parts[3].equals("stop")) {
          node.stop();
        } else if (parts[3].equals("start")) {
          node.start(true); // same port: SEARCH_URL and the cluster state keep naming it
        } else {
          throw new IllegalArgumentException("unknown action " + parts[3]);
        }
        body = describe();
      } else {
        status = 404;
        body = "GET /nodes, POST /nodes/N/stop, POST /nodes/N/start, POST /shutdown\n";
      }
    } catch (Exception e) {
      status = 500;
      body = e + "\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String describe() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      JettySolrRunner node = nodes.get(i);
      out.append(i)
          .append(' ')
          .append(node.isRunning() ? "running" : "stopped")
          .append(" http://127.0.0.1:")
          .append(node.getLocalPort())
          .append("/solr\n");
    }
    return out.toString();
  }

  private synchronized void shutdown() {
    if (stopped.getCount() == 0) {
      return;
    }
    try {
      cluster.shutdown();
    } catch (Exception e) {
      System.err.println("cluster shutdown: " + e);
    } finally {
      stopped.countDown();
    }
  }
}
