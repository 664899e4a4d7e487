package no.smartcities.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.core.SolrCore;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Serves a Solr home over HTTP on 127.0.0.1 with JettySolrRunner.
 *
 * <p>Usage: {@code SolrLauncher SOLR_HOME PORT CORE [CORE...]}. Every named core must load, or the
 * process exits with status 1: CoreContainer logs core failures instead of throwing them, so a
 * broken schema would otherwise leave a server that answers but cannot index.
 */
public final class SolrLauncher {
  private SolrLauncher() {}

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Throwable e) {
      // Jetty's threads are not daemons: without an explicit exit a failed start would hang.
      System.err.println("Solr launcher failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SolrLauncher SOLR_HOME PORT CORE [CORE...]");
      System.exit(2);
    }
    Path home = Paths.get(args[0]).toAbsolutePath().normalize();
    int port = Integer.parseInt(args[1]);
    List<String> cores = List.of(args).subList(2, args.length);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("not a Solr home (no solr.xml): " + home);
      System.exit(1);
    }

    JettyConfig config =
        JettyConfig.builder()
            .setContext("/solr")
            .setPort(port)
            .stopAtShutdown(true) // SIGTERM closes the cores cleanly
            .withPortRetryTime(0) // a busy port is an error, not a 60 s wait
            .build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), config);
    try {
      jetty.start();
    } catch (Exception e) {
      System.err.println("Solr failed to start on 127.0.0.1:" + port + ": " + e);
      e.printStackTrace();
      System.exit(1);
    }

    CoreContainer container = jetty.getCoreContainer();
    List<String> failed = new ArrayList<>();
    if (container == null) {
      failed.addAll(cores);
    } else {
      container.getCoreInitFailures()
          .forEach(
              (name, failure) -> {
                System.err.println("core " + name + " failed to load:");
                failure.exception.printStackTrace();
                failed.add(name);
              });
      for (String name : cores) {
        if (failed.contains(name)) {
          continue;
        }
        try (SolrCore core = container.getCore(name)) {
          if (core == null) {
            System.err.println("core " + name + " not found in " + home);
            failed.add(name);
          }
        } catch (RuntimeException e) {
          System.err.println("core " + name + " failed to load: " + e);
          failed.add(name);
        }
      }
    }
    if (!failed.isEmpty()) {
      System.err.println("Solr cores failed: " + failed);
      jetty.stop();
      System.exit(1);
    }
    System.out.println("Solr ready: " + jetty.getBaseUrl() + " cores " + cores);
    new CountDownLatch(1).await();
  }
}
