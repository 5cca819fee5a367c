// Interop check run by the Vitest suite: reads Ferry's bytes and clusters with MM2's own client library
// (org.apache.kafka:connect-mirror-client). In MM2's package to reach the package-private record encoders.
package org.apache.kafka.connect.mirror;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Arguments: commands, each one argument with fields separated by '|':
 *   decode-checkpoint|<keyHex>|<valueHex>    decode-heartbeat|<keyHex>|<valueHex>
 *   encode-checkpoint|group|topic|partition|upstream|downstream|metadata
 *   encode-heartbeat|source|target|timestamp
 *   translate|<bootstrap>|<remoteClusterAlias>|<group>
 *   upstream|<bootstrap>      hops|<bootstrap>|<upstreamAlias>
 * Prints one JSON array with one result per command.
 */
public class FerryInteropCheck {
    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static Map<String, Object> clientProps(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    static String run(String[] f) throws Exception {
        HexFormat hex = HexFormat.of();
        switch (f[0]) {
            case "decode-checkpoint": {
                ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 0L, hex.parseHex(f[1]), hex.parseHex(f[2]));
                Checkpoint c = Checkpoint.deserializeRecord(r);
                return "{\"group\":" + q(c.consumerGroupId()) + ",\"topic\":" + q(c.topicPartition().topic()) + ",\"partition\":" + c.topicPartition().partition()
                    + ",\"upstreamOffset\":\"" + c.upstreamOffset() + "\",\"downstreamOffset\":\"" + c.downstreamOffset() + "\",\"metadata\":" + q(c.metadata()) + "}";
            }
            case "decode-heartbeat": {
                ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 0L, hex.parseHex(f[1]), hex.parseHex(f[2]));
                Heartbeat h = Heartbeat.deserializeRecord(r);
                return "{\"sourceClusterAlias\":" + q(h.sourceClusterAlias()) + ",\"targetClusterAlias\":" + q(h.targetClusterAlias()) + ",\"timestamp\":\"" + h.timestamp() + "\"}";
            }
            case "encode-checkpoint": {
                Checkpoint c = new Checkpoint(f[1], new TopicPartition(f[2], Integer.parseInt(f[3])), Long.parseLong(f[4]), Long.parseLong(f[5]), f.length > 6 ? f[6] : "");
                return "{\"key\":\"" + hex.formatHex(c.recordKey()) + "\",\"value\":\"" + hex.formatHex(c.recordValue()) + "\"}";
            }
            case "encode-heartbeat": {
                Heartbeat h = new Heartbeat(f[1], f[2], Long.parseLong(f[3]));
                return "{\"key\":\"" + hex.formatHex(h.recordKey()) + "\",\"value\":\"" + hex.formatHex(h.recordValue()) + "\"}";
            }
            case "translate": {
                Map<TopicPartition, OffsetAndMetadata> m = RemoteClusterUtils.translateOffsets(clientProps(f[1]), f[2], f[3], Duration.ofSeconds(30));
                TreeMap<String, Long> sorted = new TreeMap<>();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : m.entrySet()) sorted.put(e.getKey().topic() + ":" + e.getKey().partition(), e.getValue().offset());
                List<String> parts = new ArrayList<>();
                for (Map.Entry<String, Long> e : sorted.entrySet()) parts.add(q(e.getKey()) + ":\"" + e.getValue() + "\"");
                return "{" + String.join(",", parts) + "}";
            }
            case "upstream": {
                List<String> parts = new ArrayList<>();
                for (String s : new TreeSet<>(RemoteClusterUtils.upstreamClusters(clientProps(f[1])))) parts.add(q(s));
                return "[" + String.join(",", parts) + "]";
            }
            case "hops":
                return String.valueOf(RemoteClusterUtils.replicationHops(clientProps(f[1]), f[2]));
            default:
                throw new IllegalArgumentException("unknown command " + f[0]);
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> out = new ArrayList<>();
        for (String a : args) out.add(run(a.split("\\|", -1)));
        System.out.println("[" + String.join(",", out) + "]");
    }
}
