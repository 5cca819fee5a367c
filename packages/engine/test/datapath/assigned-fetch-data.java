import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.*;

/**
 * Test data for assigned-fetch.int.test.ts, written and read back with the real Java client (never with Ferry's).
 *   write <bootstrap> <topic> <partitions>  plain records, committed and aborted transactions of two producers
 *                                           interleaved on the same partitions, a compressed committed batch; the
 *                                           last thing on every partition is a commit marker
 *   dump <bootstrap> <topic> <partitions>   read_committed consumer by assign(): one JSON line per record, then
 *                                           {"end":{partition: end offset}} (end offsets under read_committed = LSO)
 *   write-dump …                            both in one JVM
 *   hold <bootstrap> <topic> <partitions> <holdMs>
 *                                           one transaction with a record per partition, flushed, held open
 *                                           holdMs, then committed; prints {"sent":ms,"committed":ms} (epoch ms:
 *                                           flushed, and commitTransaction returned)
 */
public class AssignedFetchData {
  public static void main(String[] a) throws Exception {
    int parts = Integer.parseInt(a[3]);
    if (a[0].equals("write") || a[0].equals("write-dump")) write(a[1], a[2], parts);
    if (a[0].equals("dump") || a[0].equals("write-dump")) dump(a[1], a[2], parts);
    if (a[0].equals("hold")) hold(a[1], a[2], parts, Long.parseLong(a[4]));
  }

  static void hold(String bootstrap, String topic, int parts, long holdMs) throws Exception {
    Properties p = producerProps(bootstrap);
    p.put("transactional.id", topic + "-hold");
    try (KafkaProducer<byte[], byte[]> t = new KafkaProducer<>(p)) {
      t.initTransactions();
      t.beginTransaction();
      for (int i = 0; i < parts; i++) t.send(rec(topic, i, "hold", i));
      t.flush();
      long sent = System.currentTimeMillis();
      Thread.sleep(holdMs);
      t.commitTransaction();
      System.out.println("{\"sent\":" + sent + ",\"committed\":" + System.currentTimeMillis() + "}");
    }
  }

  static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "5");
    p.put("max.block.ms", "15000");
    return p;
  }

  static ProducerRecord<byte[], byte[]> rec(String topic, int partition, String tag, int i) {
    byte[] key = i % 5 == 4 ? null : (tag + "-k" + i).getBytes(StandardCharsets.UTF_8);
    byte[] value = i % 7 == 6 ? null : (tag + "-v" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition, 1_700_000_000_000L + i, key, value);
    r.headers().add("h", ("" + i).getBytes(StandardCharsets.UTF_8));
    r.headers().add("nul", null);
    r.headers().add("h", "again".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  static void write(String bootstrap, String topic, int parts) throws Exception {
    try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(producerProps(bootstrap))) {
      for (int i = 0; i < 30; i++) plain.send(rec(topic, i % parts, "plain", i));
      plain.flush();
    }
    Properties pa = producerProps(bootstrap);
    pa.put("transactional.id", topic + "-a");
    Properties pb = producerProps(bootstrap);
    pb.put("transactional.id", topic + "-b");
    pb.put("compression.type", "lz4");
    try (KafkaProducer<byte[], byte[]> ta = new KafkaProducer<>(pa); KafkaProducer<byte[], byte[]> tb = new KafkaProducer<>(pb)) {
      ta.initTransactions();
      tb.initTransactions();
      for (int round = 0; round < 6; round++) {
        ta.beginTransaction();
        tb.beginTransaction();
        for (int i = 0; i < 8; i++) {
          ta.send(rec(topic, i % parts, "a" + round, i));
          if (i % 2 == 0) ta.flush();
          tb.send(rec(topic, i % parts, "b" + round, i));
        }
        ta.flush();
        tb.flush();
        // a aborts on rounds 1, 4; b aborts on even rounds; the two interleave on every partition
        if (round % 3 == 1) ta.abortTransaction(); else ta.commitTransaction();
        if (round % 2 == 0) tb.abortTransaction(); else tb.commitTransaction();
      }
      // the last thing on every partition is a commit marker
      ta.beginTransaction();
      for (int p = 0; p < parts; p++) ta.send(rec(topic, p, "last", p));
      ta.commitTransaction();
    }
  }

  static String b64(byte[] b) {
    return b == null ? "null" : "\"" + Base64.getEncoder().encodeToString(b) + "\"";
  }

  static void dump(String bootstrap, String topic, int parts) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < parts; i++) tps.add(new TopicPartition(topic, i));
    StringBuilder out = new StringBuilder();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long deadline = System.currentTimeMillis() + 60_000;
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          StringBuilder h = new StringBuilder();
          for (Header x : r.headers()) h.append(h.length() == 0 ? "" : ",").append("[\"").append(x.key()).append("\",").append(b64(x.value())).append("]");
          out.append("{\"p\":").append(r.partition()).append(",\"o\":").append(r.offset()).append(",\"t\":").append(r.timestamp())
              .append(",\"k\":").append(b64(r.key())).append(",\"v\":").append(b64(r.value())).append(",\"h\":[").append(h).append("]}\n");
        }
      }
      StringBuilder e = new StringBuilder();
      for (TopicPartition tp : tps) e.append(e.length() == 0 ? "" : ",").append("\"").append(tp.partition()).append("\":").append(end.get(tp));
      out.append("{\"end\":{").append(e).append("}}\n");
    }
    System.out.print(out);
  }
}
