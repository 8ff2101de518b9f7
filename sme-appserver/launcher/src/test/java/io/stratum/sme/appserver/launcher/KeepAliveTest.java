package io.stratum.sme.appserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.Test;

/**
 * The launcher's connector keeps a connection open for many requests: a proxy in front of it (the web tier) reuses its
 * pooled connections instead of opening a new one every 100 requests, Tomcat's default.
 */
public class KeepAliveTest {

    @Test
    public void oneConnectionServesAThousandRequests() throws Exception {
        Path base = Files.createTempDirectory("keepalive");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = AppServerMain.httpConnector(0, 4);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().write("ok");
            }
        });
        context.addServletMappingDecoded("/*", "ok");
        tomcat.start();
        try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            for (int i = 1; i <= 1000; i++) {
                out.write("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String status = in.readLine();
                assertEquals("request " + i, "HTTP/1.1 200 ", status);
                int length = -1;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    assertFalse("request " + i + " closed the connection: " + line,
                            line.equalsIgnoreCase("Connection: close"));
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                assertTrue("request " + i + " has a length", length >= 0);
                char[] body = new char[length];
                for (int n = 0; n < length; ) {
                    n += in.read(body, n, length - n);
                }
                assertEquals("ok", new String(body));
            }
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
