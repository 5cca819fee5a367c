// The data-path benchmark's Java side (kafka-clients from Maven Central; compiled by bench/src/datapath/java.ts).
//   seed    <bootstrap> <topic> <records> <recordBytes> <partitions> <compression> <keySpace> <txnRecords> <abortEvery> [headers]
//     Writes `records` records round-robin over the partitions with the client's default batching.
//     Value: half random bytes, half a fixed pattern (lz4 roughly halves it). Key: null, or "k<i % keySpace>"
//     when keySpace > 0 (compacted scenario). txnRecords > 0: one transaction per txnRecords records, every
//     abortEvery-th one aborted (0: none). headers = 1: one header "h" = the index. Prints {"records":..,"committed":..,"seconds":..}.
//   latency <sourceBootstrap> <sourceTopic> <targetBootstrap> <targetTopic> <partitions> <rate> <seconds> <recordBytes> <compression> <txn> [warmup]
//     A read_committed consumer assigned to every target partition (no group) seeks to the end; then a
//     producer writes `rate` records/s for `warmup` + `seconds` into the source with CreateTime = now. Each
//     record seen on the target gives now - timestamp (txn = 1: the source commits every 50 ms); the records
//     of the first `warmup` seconds are not counted (JVM warm-up, first connections and writes). Prints {"count":..,"expected":..,"p50":..,"p99":..,"max":..}.
//   count   <bootstrap> <topic> <partitions>
//     Reads the topic from the beginning to its end offsets (no group) and prints {"records":..}.
//   mmap    <dir> <files>
//     What a broker's new log segment costs on this disk: `files` new files sized like Kafka's preallocated
//     indexes (10 MiB, sparse) and memory-mapped as Kafka maps them; times the first 12-byte write into each
//     mapping (an offset index entry is 8 bytes, a time index entry 12) and, for contrast, the first write()
//     into another such file. Removes them. Prints {"files":..,"mmapP50Ms":..,"mmapP99Ms":..,"writeP50Ms":..}.
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class BenchTool {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "seed" -> seed(args);
      case "latency" -> latency(args);
      case "count" -> count(args);
      case "mmap" -> mmap(args);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static byte[] value(Random rnd, int size) {
    byte[] v = new byte[size];
    int half = size / 2;
    for (int i = 0; i < half; i++) v[i] = (byte) rnd.nextInt(256);
    for (int i = half; i < size; i++) v[i] = (byte) ('a' + (i % 16));
    return v;
  }

  static Properties producerProps(String bootstrap, String compression) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("compression.type", compression);
    p.put("acks", "all");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return p;
  }

  static void seed(String[] a) throws Exception {
    String bootstrap = a[1], topic = a[2], compression = a[6];
    long records = Long.parseLong(a[3]);
    int size = Integer.parseInt(a[4]), partitions = Integer.parseInt(a[5]);
    int keySpace = Integer.parseInt(a[7]), txnRecords = Integer.parseInt(a[8]), abortEvery = Integer.parseInt(a[9]);
    boolean headers = a.length > 10 && a[10].equals("1"); // one header "h" = the record's index (ferry verify bench)
    Properties p = producerProps(bootstrap, compression);
    if (txnRecords > 0) p.put("transactional.id", "bench-seed-" + topic);
    Random rnd = new Random(42);
    byte[][] pool = new byte[256][];
    for (int i = 0; i < pool.length; i++) pool[i] = value(rnd, size);
    long committed = 0, inTxn = 0, txn = 0;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      if (txnRecords > 0) {
        producer.initTransactions();
        producer.beginTransaction();
      }
      for (long i = 0; i < records; i++) {
        byte[] key = keySpace > 0 ? ("k" + (i % keySpace)).getBytes() : null;
        ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, (int) (i % partitions), key, pool[(int) (i % pool.length)]);
        if (headers) rec.headers().add("h", Long.toString(i).getBytes());
        producer.send(rec);
        inTxn++;
        if (txnRecords > 0 && inTxn == txnRecords) {
          txn++;
          if (abortEvery > 0 && txn % abortEvery == 0) {
            producer.flush();
            producer.abortTransaction();
          } else {
            producer.commitTransaction();
            committed += inTxn;
          }
          inTxn = 0;
          producer.beginTransaction();
        }
      }
      if (txnRecords > 0) producer.commitTransaction();
      committed += inTxn;
      producer.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.println("{\"records\":" + records + ",\"committed\":" + committed + ",\"seconds\":" + seconds + "}");
  }

  static void latency(String[] a) throws Exception {
    String srcBootstrap = a[1], srcTopic = a[2], tgtBootstrap = a[3], tgtTopic = a[4], compression = a[9];
    int partitions = Integer.parseInt(a[5]), rate = Integer.parseInt(a[6]), seconds = Integer.parseInt(a[7]);
    int size = Integer.parseInt(a[8]);
    boolean txn = a[10].equals("1");
    int warmup = a.length > 11 ? Integer.parseInt(a[11]) : 0;
    long expected = (long) rate * seconds;
    // the first `warmup` seconds are sent at the same rate and not counted (JIT, connections, first writes)
    long skipped = (long) rate * warmup, total = skipped + expected;
    Properties c = new Properties();
    c.put("bootstrap.servers", tgtBootstrap);
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", "false");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(tgtTopic, i));
    long[] lat = new long[(int) expected + 1024];
    int n = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(tps);
      consumer.seekToEnd(tps);
      for (TopicPartition tp : tps) consumer.position(tp); // resolve now, before anything is produced
      AtomicLong sent = new AtomicLong();
      Thread producerThread = new Thread(() -> {
        Properties p = producerProps(srcBootstrap, compression);
        p.put("linger.ms", "0");
        if (txn) p.put("transactional.id", "bench-latency-" + srcTopic + "-" + System.nanoTime());
        byte[] v = value(new Random(7), size);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
          if (txn) producer.initTransactions();
          long start = System.nanoTime();
          long periodNs = 1_000_000_000L / rate;
          long perTxn = Math.max(1, rate / 20); // a transactional source commits every 50 ms
          for (long i = 0; i < total; i++) {
            long due = start + i * periodNs;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            if (txn && i % perTxn == 0) producer.beginTransaction();
            producer.send(new ProducerRecord<>(srcTopic, (int) (i % partitions), System.currentTimeMillis(), ("L" + i).getBytes(), v));
            if (txn && (i % perTxn == perTxn - 1 || i == total - 1)) producer.commitTransaction();
            sent.incrementAndGet();
          }
          producer.flush();
        } catch (Exception e) {
          e.printStackTrace();
        }
      });
      producerThread.start();
      long deadline = System.currentTimeMillis() + (warmup + seconds + 60) * 1000L;
      while (n < expected && System.currentTimeMillis() < deadline) {
        ConsumerRecords<byte[], byte[]> rs = consumer.poll(Duration.ofMillis(100));
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : rs) {
          if (skipped > 0 && Long.parseLong(new String(r.key(), 1, r.key().length - 1)) < skipped) continue;
          if (n < lat.length) lat[n++] = now - r.timestamp();
        }
      }
      producerThread.join();
    }
    long[] got = Arrays.copyOf(lat, n);
    Arrays.sort(got);
    System.out.println("{\"count\":" + n + ",\"expected\":" + expected + ",\"p50\":" + pct(got, 0.50) + ",\"p99\":"
        + pct(got, 0.99) + ",\"max\":" + (n == 0 ? -1 : got[n - 1]) + "}");
  }

  static void mmap(String[] a) throws Exception {
    File dir = new File(a[1]);
    int n = Integer.parseInt(a[2]);
    if (!dir.mkdirs() && !dir.isDirectory()) throw new IllegalStateException("cannot create " + dir);
    double[] mapped = new double[n];
    double[] written = new double[n];
    List<RandomAccessFile> open = new ArrayList<>();
    List<MappedByteBuffer> maps = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        RandomAccessFile f = new RandomAccessFile(new File(dir, "m" + i + ".index"), "rw");
        f.setLength(10 << 20);
        open.add(f);
        maps.add(f.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, 10 << 20));
      }
      for (int i = 0; i < n; i++) {
        MappedByteBuffer m = maps.get(i);
        long t = System.nanoTime();
        m.putLong(0, 1L);
        m.putInt(8, 1);
        mapped[i] = (System.nanoTime() - t) / 1e6;
      }
      for (int i = 0; i < n; i++) {
        RandomAccessFile f = new RandomAccessFile(new File(dir, "w" + i + ".index"), "rw");
        open.add(f);
        f.setLength(10 << 20);
        long t = System.nanoTime();
        f.getChannel().write(ByteBuffer.allocate(12), 0);
        written[i] = (System.nanoTime() - t) / 1e6;
      }
    } finally {
      for (RandomAccessFile f : open) f.close();
      File[] left = dir.listFiles();
      if (left != null) for (File f : left) f.delete();
      dir.delete();
    }
    Arrays.sort(mapped);
    Arrays.sort(written);
    System.out.printf(
        java.util.Locale.ROOT,
        "{\"files\":%d,\"mmapP50Ms\":%.3f,\"mmapP99Ms\":%.3f,\"writeP50Ms\":%.3f}%n",
        n,
        mapped[n / 2],
        mapped[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)],
        written[n / 2]);
  }

  static void count(String[] a) {
    Properties c = new Properties();
    c.put("bootstrap.servers", a[1]);
    c.put("enable.auto.commit", "false");
    c.put("fetch.max.bytes", "52428800");
    c.put("max.partition.fetch.bytes", "4194304");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(a[3]); i++) tps.add(new TopicPartition(a[2], i));
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      java.util.Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition tp : tps) if (consumer.position(tp) < end.get(tp)) open.add(tp);
      while (!open.isEmpty()) {
        n += consumer.poll(Duration.ofMillis(200)).count();
        open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      }
    }
    System.out.println("{\"records\":" + n + "}");
  }

  static long pct(long[] sorted, double q) {
    if (sorted.length == 0) return -1;
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
