// The fidelity data set, written and read back with the real Java client (kafka-clients), never with the
// client Ferry uses: data written by the same library the data path uses hides that library's bugs.
// Run as a single-file program:  java -cp '<kafka lib>/*' FidelityData.java <command> ...
//
//   write <bootstrap> <prefix>
//       Creates and fills the topics <prefix>.<set> for every set below; prints one JSON line per topic
//       {"topic":..., "partitions":n} when done.
//   dump <bootstrap> <timeoutMs> <topic>[=<expected>] ...
//       Reads each topic from its beginning with read_committed by assignment (no group) and prints one JSON line
//       per record: {"topic","partition","offset","key","value","headers":[[k, v|null],...],"timestamp",
//       "timestampType"} (key/value/header values base64, null kept). Without <expected> it reads to the end
//       offsets seen at the start; with it, it waits until that many records arrived and the end is reached
//       (or the timeout passes) and then prints what it read.
//   spread <bootstrap> <prefix> <topics> <partitions> <perPartition>
//       Creates <prefix>.0 .. <prefix>.<topics-1> with <partitions> partitions each and writes <perPartition>
//       records of the matrix (record(i)) to every partition, lz4 on odd topics; prints one line per topic.
//
// Sets:
//   plain                      2 partitions, no compression: the header/key/value matrix (see record(i))
//   order                      the matrix without null header values: header order and repeated keys alone
//   gzip snappy lz4 zstd       the same matrix, one producer per codec
//   txn                        2 transactional producers interleaved: commits and aborts in the same offsets range
//   compacted                  cleanup.policy=compact, rolled every 100 ms, keys overwritten, cleaned until offset
//                              gaps show; then frozen (large segment.ms) so the log no longer changes
//   large                      records near max.message.bytes (1048588), incompressible
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class FidelityData {
  static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  static final String[] CODECS = {"gzip", "snappy", "lz4", "zstd"};
  static final int MATRIX = 240;
  /** Three days ago: old enough to show in record age, young enough for any retention; topics keep forever anyway. */
  static final long BASE_TS = (System.currentTimeMillis() - 3L * 24 * 3600 * 1000) / 1000 * 1000;

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "write" -> write(args[1], args[2]);
      case "spread" -> spread(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "dump" -> {
        for (int i = 3; i < args.length; i++) {
          String[] t = args[i].split("=", 2);
          dump(args[1], t[0], t.length > 1 ? Integer.parseInt(t[1]) : -1, Long.parseLong(args[2]));
        }
      }
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Record i of the matrix: every combination of null/empty key and value, header order, keys and nulls. */
  static ProducerRecord<byte[], byte[]> record(String topic, int i) {
    return record(topic, i, true);
  }

  static ProducerRecord<byte[], byte[]> record(String topic, int i, boolean nullHeaderValues) {
    byte[] key = i % 7 == 0 ? null : i % 11 == 0 ? new byte[0] : b((i % 3 == 0 ? "ключ-" : "k") + i);
    byte[] value = i % 5 == 0 ? null : i % 13 == 0 ? new byte[0] : b("v" + i + "-" + "x".repeat(i % 40) + " ✓");
    RecordHeaders h = new RecordHeaders();
    switch (i % 6) {
      case 0 -> { // repeated and interleaved keys: a,b,a must stay a,b,a
        h.add("a", b("1")); h.add("b", b("2")); h.add("a", b("3"));
      }
      case 1 -> { // integer-like keys, not in numeric order (a JS object would move them first and sort them)
        h.add("z", b("first")); h.add("2", b("two")); h.add("1", b("one")); h.add("10", b("ten"));
      }
      case 2 -> { // non-ASCII keys
        h.add("grüße ✓", b("g")); h.add("日本", b("j")); h.add("emoji 🚀", b("e"));
      }
      case 3 -> { // null header values, a key repeated with null and non-null values
        h.add("n", nullHeaderValues ? null : b("")); h.add("a", b("v")); h.add("n", nullHeaderValues ? null : b("-"));
      }
      case 4 -> { } // no headers
      default -> { // empty value, null value, integer-like keys between repeats
        h.add("a", nullHeaderValues ? null : b("y")); h.add("1", new byte[0]); h.add("a", b("x"));
        h.add("0", nullHeaderValues ? null : b("0"));
      }
    }
    long ts = BASE_TS + i * 1000L;
    return new ProducerRecord<>(topic, i % 2, ts, key, value, h);
  }

  static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "20");
    p.put("batch.size", "16384");
    p.put("max.request.size", "4194304");
    p.put("acks", "all");
    return p;
  }

  static void create(Admin admin, String topic, int partitions, Map<String, String> configs) throws Exception {
    Map<String, String> all = new HashMap<>(configs);
    all.putIfAbsent("retention.ms", "-1");
    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(all))).all().get(30, TimeUnit.SECONDS);
    // metadata of a fresh topic may lag a moment behind the create
    for (int i = 0; i < 100; i++) {
      try {
        if (admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream().allMatch(p -> p.leader() != null)) break;
      } catch (Exception e) {
        // not there yet
      }
      Thread.sleep(100);
    }
  }

  static void done(String topic, int partitions) {
    OUT.println("{\"topic\":" + q(topic) + ",\"partitions\":" + partitions + "}");
  }

  static void write(String bootstrap, String prefix) throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      // plain and the four codecs
      List<String> sets = new ArrayList<>(List.of("none"));
      sets.addAll(List.of(CODECS));
      for (String codec : sets) {
        String topic = prefix + "." + (codec.equals("none") ? "plain" : codec);
        create(admin, topic, 2, Map.of());
        Properties p = producerProps(bootstrap);
        p.put("compression.type", codec);
        try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(p)) {
          for (int i = 0; i < MATRIX; i++) {
            pr.send(record(topic, i));
            if (i % 37 == 36) pr.flush(); // several batches per partition
          }
          pr.flush();
        }
        done(topic, 2);
      }
      String order = prefix + ".order";
      create(admin, order, 2, Map.of());
      try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(producerProps(bootstrap))) {
        for (int i = 0; i < MATRIX; i++) pr.send(record(order, i, false));
        pr.flush();
      }
      done(order, 2);
      writeTransactions(admin, bootstrap, prefix + ".txn");
      writeCompacted(admin, bootstrap, prefix + ".compacted");
      writeLarge(admin, bootstrap, prefix + ".large");
    }
  }

  /** Many partitions of light traffic: every partition gets `perPartition` records of the matrix. */
  static void spread(String bootstrap, String prefix, int topics, int partitions, int perPartition) throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap)) {
      List<NewTopic> all = new ArrayList<>();
      for (int t = 0; t < topics; t++)
        all.add(new NewTopic(prefix + "." + t, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
      admin.createTopics(all).all().get(120, TimeUnit.SECONDS);
      for (int t = 0; t < topics; t++) awaitLeaders(admin, prefix + "." + t, partitions);
    }
    for (int t = 0; t < topics; t++) {
      String topic = prefix + "." + t;
      Properties p = producerProps(bootstrap);
      p.put("compression.type", t % 2 == 1 ? "lz4" : "none");
      // A broker loads a new partition's log a moment after metadata names its leader; the idempotent producer's
      // retries of that first refusal end in OutOfOrderSequence and expire after delivery.timeout.ms (seen with
      // 250 new partitions at once). Plain retries, one request in flight, keep the order.
      p.put("enable.idempotence", "false");
      p.put("max.in.flight.requests.per.connection", "1");
      try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(p)) {
        int i = 0;
        for (int k = 0; k < perPartition; k++)
          for (int part = 0; part < partitions; part++) {
            ProducerRecord<byte[], byte[]> r = record(topic, i++);
            pr.send(new ProducerRecord<>(topic, part, r.timestamp(), r.key(), r.value(), r.headers()));
          }
        pr.flush();
      }
      done(topic, partitions);
    }
  }

  /** Waits until every partition of a created topic has a leader (metadata lags a moment behind the create). */
  static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
    for (int i = 0; i < 300; i++) {
      try {
        var ps = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        if (ps.size() == partitions && ps.stream().allMatch(p -> p.leader() != null)) return;
      } catch (Exception e) {
        // not there yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(topic + ": partitions without a leader after 30 s");
  }

  /** Two transactional producers, their transactions open at the same time: one commits while the other aborts. */
  static void writeTransactions(Admin admin, String bootstrap, String topic) throws Exception {
    create(admin, topic, 2, Map.of());
    Properties pa = producerProps(bootstrap);
    pa.put("transactional.id", topic + ".a");
    Properties pb = producerProps(bootstrap);
    pb.put("transactional.id", topic + ".b");
    pb.put("compression.type", "lz4");
    try (KafkaProducer<byte[], byte[]> a = new KafkaProducer<>(pa); KafkaProducer<byte[], byte[]> bp = new KafkaProducer<>(pb)) {
      a.initTransactions();
      bp.initTransactions();
      int n = 0;
      for (int round = 0; round < 12; round++) {
        a.beginTransaction();
        bp.beginTransaction();
        for (int k = 0; k < 6; k++) {
          // both producers write the same partition in turn: committed and aborted batches interleave
          ProducerRecord<byte[], byte[]> ra = record(topic, n++);
          a.send(new ProducerRecord<>(topic, k % 2, ra.timestamp(), ra.key(), ra.value(), ra.headers()));
          a.flush();
          ProducerRecord<byte[], byte[]> rb = record(topic, n++);
          bp.send(new ProducerRecord<>(topic, k % 2, rb.timestamp(), rb.key(), rb.value(), rb.headers()));
          bp.flush();
        }
        if (round % 3 == 2) a.abortTransaction(); else a.commitTransaction();
        if (round % 2 == 0) bp.abortTransaction(); else bp.commitTransaction();
      }
    }
    done(topic, 2);
  }

  static void writeCompacted(Admin admin, String bootstrap, String topic) throws Exception {
    create(admin, topic, 1, Map.of(
        "cleanup.policy", "compact",
        "segment.ms", "100",
        "min.cleanable.dirty.ratio", "0.01",
        "min.compaction.lag.ms", "0",
        "max.compaction.lag.ms", "100"));
    Properties p = producerProps(bootstrap);
    p.put("compression.type", "zstd");
    try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(p)) {
      for (int round = 0; round < 25; round++) {
        for (int k = 0; k < 12; k++) {
          ProducerRecord<byte[], byte[]> m = record(topic, round * 12 + k);
          byte[] value = round % 5 == 4 && k == 3 ? null : b("round " + round + " key " + k);
          // keys c0..c7 are overwritten every round; u<round> never is, so cleaned segments keep it with gaps around
          byte[] key = b(k < 8 ? "c" + k : k == 8 ? "u" + round : "c" + (k % 8));
          pr.send(new ProducerRecord<>(topic, 0, m.timestamp(), key, value, m.headers()));
        }
        pr.flush();
        Thread.sleep(150); // the next append rolls a segment
      }
    }
    // wait until the cleaner has left offset gaps, then until the log stops changing
    long deadline = System.currentTimeMillis() + 90_000;
    List<Long> last = null;
    while (true) {
      List<Long> offsets = offsetsOf(bootstrap, topic);
      boolean gaps = false;
      for (int i = 1; i < offsets.size(); i++) if (offsets.get(i) != offsets.get(i - 1) + 1) gaps = true;
      gaps = gaps && offsets.size() > 0 && offsets.get(0) > 0; // and the log start moved
      if (gaps && offsets.equals(last)) break;
      if (System.currentTimeMillis() > deadline)
        throw new IllegalStateException(topic + ": the cleaner left no stable offset gaps within 90 s (" + offsets.size() + " records)");
      last = offsets;
      Thread.sleep(3000);
    }
    // freeze: no more rolls, no more cleaning of what is there (the remote topic copies these settings)
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Collection<AlterConfigOp> ops = List.of(
        new AlterConfigOp(new ConfigEntry("segment.ms", "604800000"), AlterConfigOp.OpType.SET),
        new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "0.99"), AlterConfigOp.OpType.SET),
        new AlterConfigOp(new ConfigEntry("max.compaction.lag.ms", "604800000"), AlterConfigOp.OpType.SET));
    admin.incrementalAlterConfigs(Map.of(r, ops)).all().get(30, TimeUnit.SECONDS);
    done(topic, 1);
  }

  static void writeLarge(Admin admin, String bootstrap, String topic) throws Exception {
    create(admin, topic, 1, Map.of());
    Properties p = producerProps(bootstrap);
    p.put("batch.size", "1048576");
    Random rnd = new Random(42);
    // record overhead ~ 20 bytes + key, batch overhead 61: the first big value leaves ~100 bytes of room
    int[] sizes = {10, 1048588 - 61 - 100, 10, 700_000, 1048588 - 61 - 2000, 10};
    try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(p)) {
      for (int i = 0; i < sizes.length; i++) {
        byte[] v = new byte[sizes[i]];
        rnd.nextBytes(v);
        RecordHeaders h = new RecordHeaders();
        h.add("i", b(String.valueOf(i)));
        h.add("n", null);
        pr.send(new ProducerRecord<>(topic, 0, BASE_TS + i, b("L" + i), v, h)).get();
      }
    }
    done(topic, 1);
  }

  static Properties consumerProps(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("max.partition.fetch.bytes", "4194304");
    p.put("fetch.max.bytes", "67108864");
    return p;
  }

  static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
    return tps;
  }

  static List<Long> offsetsOf(String bootstrap, String topic) {
    List<Long> out = new ArrayList<>();
    read(bootstrap, topic, -1, 30_000, r -> out.add(r.offset()));
    return out;
  }

  /** Reads a topic by assignment with read_committed; see the header for when it stops. */
  static void read(String bootstrap, String topic, int expected, long timeoutMs, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> on) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
      List<TopicPartition> tps = partitionsOf(c, topic);
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + timeoutMs;
      int count = 0;
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      while (System.currentTimeMillis() < deadline) {
        boolean atEnd = true;
        for (TopicPartition tp : tps) if (c.position(tp) < ends.get(tp)) atEnd = false;
        if (atEnd) {
          if (expected < 0) break;
          // the target may still be receiving: stop once the count is reached and the end did not move
          Map<TopicPartition, Long> now = c.endOffsets(tps);
          if (count >= expected && now.equals(ends)) break;
          ends = now;
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          on.accept(r);
          count++;
        }
      }
    }
  }

  static void dump(String bootstrap, String topic, int expected, long timeoutMs) {
    Base64.Encoder e = Base64.getEncoder();
    read(bootstrap, topic, expected, timeoutMs, r -> {
      StringBuilder s = new StringBuilder();
      s.append("{\"topic\":").append(q(r.topic()))
          .append(",\"partition\":").append(r.partition())
          .append(",\"offset\":\"").append(r.offset()).append('"')
          .append(",\"key\":").append(r.key() == null ? "null" : "\"" + e.encodeToString(r.key()) + "\"")
          .append(",\"value\":").append(r.value() == null ? "null" : "\"" + e.encodeToString(r.value()) + "\"")
          .append(",\"headers\":[");
      boolean first = true;
      for (Header h : r.headers()) {
        if (!first) s.append(',');
        first = false;
        s.append('[').append(q(h.key())).append(',')
            .append(h.value() == null ? "null" : "\"" + e.encodeToString(h.value()) + "\"").append(']');
      }
      s.append("],\"timestamp\":\"").append(r.timestamp()).append('"')
          .append(",\"timestampType\":").append(q(r.timestampType().name)).append('}');
      OUT.println(s);
    });
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
