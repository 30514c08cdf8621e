import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The floor of any Java plugin that checks an HTTP endpoint: one GET over a plain socket (as check_worker
 * sends it), the response read to the server's close, one line out, and nothing else: no options, no
 * parsing, no evaluation. Arguments: HOST PORT PATH.
 */
public final class GetFloor {
    public static void main(String[] args) throws IOException {
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 10_000);
            socket.setSoTimeout(10_000);
            String request = "GET " + args[2] + " HTTP/1.1\r\nHost: " + args[0] + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int total = 0;
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                total += n;
            }
            System.out.println("GET OK - " + total + " bytes read");
        }
    }
}
