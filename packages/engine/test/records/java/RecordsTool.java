// A second implementation for Ferry's record batch code: Apache Kafka's own Java client (kafka-clients 4.3.1).
//   dump <file>                      every batch in the file (MemoryRecords.readableRecords, CRC checked with
//                                    ensureValid) as one JSON line each, records included
//   fixtures <dir>                   writes batch fixtures with MemoryRecordsBuilder: <name>.bin (+ dump it after)
//   produce <bootstrap> <topic> <partitions> <count> <codecs> <batchSize> <keys> [lingerMs]   source data with the Java
//                                    producer (partitions and codecs comma-separated, one producer each):
//                                    producer: null/empty/binary keys and values, headers with nulls and
//                                    interleaved repeats, non-ASCII keys, timestamps going back; <keys> > 0 draws
//                                    keys from that many (for compaction), 0 = distinct keys; [lingerMs] the
//                                    producer's linger.ms (default 20; the final flush sends what is left at once)
//   consume <bootstrap> <topic> <partitions> [expected] read_committed (until at least [expected] records) from the beginning to the end offsets, one JSON line
//                                    per record: partition, offset, timestamp and its type, key, value, headers
// Bytes are hex, null stays null, header order is the record's.
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class RecordsTool {
    static final HexFormat HEX = HexFormat.of();
    static PrintStream out;

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String hex(ByteBuffer b) {
        if (b == null) return "null";
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return "\"" + HEX.formatHex(a) + "\"";
    }

    static String hex(byte[] b) {
        return b == null ? "null" : "\"" + HEX.formatHex(b) + "\"";
    }

    static String headers(Header[] hs) {
        List<String> parts = new ArrayList<>();
        for (Header h : hs) parts.add("[" + q(h.key()) + "," + hex(h.value()) + "]");
        return "[" + String.join(",", parts) + "]";
    }

    static void dump(String file) throws Exception {
        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(Path.of(file))));
        for (RecordBatch batch : records.batches()) {
            batch.ensureValid();
            List<String> rs = new ArrayList<>();
            for (Record r : batch) {
                r.ensureValid();
                rs.add("{\"offset\":\"" + r.offset() + "\",\"timestamp\":\"" + r.timestamp() + "\",\"key\":" + hex(r.key())
                    + ",\"value\":" + hex(r.value()) + ",\"headers\":" + headers(r.headers()) + "}");
            }
            out.println("{\"baseOffset\":\"" + batch.baseOffset() + "\",\"lastOffset\":\"" + batch.lastOffset() + "\",\"magic\":" + batch.magic()
                + ",\"count\":" + (batch.countOrNull() == null ? "null" : batch.countOrNull()) + ",\"compression\":" + q(batch.compressionType().name)
                + ",\"timestampType\":" + q(batch.timestampType().name) + ",\"maxTimestamp\":\"" + batch.maxTimestamp() + "\""
                + ",\"producerId\":\"" + batch.producerId() + "\",\"producerEpoch\":" + batch.producerEpoch() + ",\"baseSequence\":" + batch.baseSequence()
                + ",\"transactional\":" + batch.isTransactional() + ",\"control\":" + batch.isControlBatch() + ",\"records\":[" + String.join(",", rs) + "]}");
        }
    }

    static Header[] hs(Object... kv) {
        Header[] h = new Header[kv.length / 2];
        for (int i = 0; i < h.length; i++) h[i] = new RecordHeader((String) kv[2 * i], (byte[]) kv[2 * i + 1]);
        return h;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static MemoryRecordsBuilder builder(ByteBuffer buf, byte magic, Compression c, TimestampType tt, long base, long logAppendTime, long pid, short epoch, int seq, boolean txn) {
        return MemoryRecords.builder(buf, magic, c, tt, base, logAppendTime, pid, epoch, seq, txn, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    /** The common record set: null key, null value, empty key and value, binary, non-ASCII header key, headers with nulls and interleaved repeats, a timestamp before the batch's base. */
    static void appendCommon(MemoryRecordsBuilder w, long base, long ts) {
        byte[] bin = new byte[300];
        for (int i = 0; i < bin.length; i++) bin[i] = (byte) (i * 37);
        w.appendWithOffset(base, ts, null, b("v0"), hs("a", null, "b", b("1"), "a", new byte[0]));
        w.appendWithOffset(base + 1, ts + 5, b("k1"), null, hs());
        w.appendWithOffset(base + 2, ts + 7, new byte[0], new byte[0], hs("ключ", new byte[] {0, (byte) 255}, "x", null));
        w.appendWithOffset(base + 3, ts - 1000, bin, bin, hs("a", b("2"), "b", null, "a", b("3"), "b", b("4")));
        w.appendWithOffset(base + 4, ts + 1, b("same"), b("same-value-same-value-same-value-same-value"), hs());
    }

    static void write(Path dir, String name, ByteBuffer buf) throws Exception {
        buf.flip();
        byte[] a = new byte[buf.remaining()];
        buf.get(a);
        Files.write(dir.resolve(name + ".bin"), a);
    }

    static void fixtures(String d) throws Exception {
        Path dir = Path.of(d);
        Files.createDirectories(dir);
        long ts = 1_764_000_000_000L;
        String[] codecs = {"none", "gzip", "snappy", "lz4", "zstd"};
        for (String c : codecs) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            MemoryRecordsBuilder w = builder(buf, RecordBatch.MAGIC_VALUE_V2, Compression.of(c).build(), TimestampType.CREATE_TIME, 1000, RecordBatch.NO_TIMESTAMP, 4242L, (short) 3, 17, false);
            appendCommon(w, 1000, ts);
            w.close();
            ByteBuffer all = ByteBuffer.allocate(1 << 16);
            all.put(w.buffer().duplicate().flip());
            // a second, transactional batch right after the first: several batches per buffer
            MemoryRecordsBuilder t = builder(all, RecordBatch.MAGIC_VALUE_V2, Compression.of(c).build(), TimestampType.CREATE_TIME, 1005, RecordBatch.NO_TIMESTAMP, 4243L, (short) 0, 0, true);
            t.appendWithOffset(1005, ts + 100, b("t"), b("txn"), hs("h", null));
            t.appendWithOffset(1006, ts + 101, (byte[]) null, (byte[]) null, hs());
            t.close();
            write(dir, "v2-" + c, t.buffer());
        }
        // compacted-style: offsets with gaps in the middle and at the end (the builder keeps the last offset)
        for (String c : new String[] {"none", "zstd"}) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            MemoryRecordsBuilder w = builder(buf, RecordBatch.MAGIC_VALUE_V2, Compression.of(c).build(), TimestampType.CREATE_TIME, 100, RecordBatch.NO_TIMESTAMP, -1L, (short) -1, -1, false);
            w.appendWithOffset(100, ts, b("k-a"), b("a"), hs("c", null));
            w.appendWithOffset(102, ts + 2, b("k-b"), b("b"), hs());
            w.appendWithOffset(103, ts + 3, b("k-c"), null, hs());
            w.appendWithOffset(107, ts + 7, b("k-d"), b("d"), hs("c", b("1"), "c", null));
            w.overrideLastOffset(110);
            w.close();
            write(dir, "v2-compacted-" + c, w.buffer());
        }
        // log-append time: the broker's time in maxTimestamp; the records keep their create times inside
        {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            MemoryRecordsBuilder w = builder(buf, RecordBatch.MAGIC_VALUE_V2, Compression.lz4().build(), TimestampType.LOG_APPEND_TIME, 50, ts + 99_999, -1L, (short) -1, -1, false);
            appendCommon(w, 50, ts);
            w.close();
            write(dir, "v2-log-append-lz4", w.buffer());
        }
        // legacy message formats (as a 3.x broker may still hold them)
        for (byte magic : new byte[] {RecordBatch.MAGIC_VALUE_V0, RecordBatch.MAGIC_VALUE_V1}) {
            for (String c : new String[] {"none", "gzip"}) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                MemoryRecordsBuilder w = builder(buf, magic, Compression.of(c).build(), TimestampType.CREATE_TIME, 7, RecordBatch.NO_TIMESTAMP, -1L, (short) -1, -1, false);
                w.appendWithOffset(7, ts, null, b("legacy-0"));
                w.appendWithOffset(8, ts + 1, b("k"), null);
                w.appendWithOffset(9, ts + 2, new byte[0], b("legacy-2"));
                w.close();
                write(dir, "v" + magic + "-" + c, w.buffer());
            }
        }
    }

    /** Several partitions at once, one producer per partition ("0,1,2" with "none,gzip,lz4"): one JVM. */
    static void produceAll(String bootstrap, String topic, String partitions, int count, String codecs, int batchSize, int keys, int lingerMs) throws Exception {
        String[] ps = partitions.split(",");
        String[] cs = codecs.split(",");
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < ps.length; i++) {
            int partition = Integer.parseInt(ps[i]);
            String codec = cs[Math.min(i, cs.length - 1)];
            Thread t = new Thread(() -> {
                try {
                    produce(bootstrap, topic, partition, count, codec, batchSize, keys, lingerMs);
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        if (!failures.isEmpty()) throw failures.get(0);
    }

    static void produce(String bootstrap, String topic, int partition, int count, String codec, int batchSize, int keys, int lingerMs) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("compression.type", codec);
        p.put("batch.size", Integer.toString(batchSize));
        p.put("linger.ms", Integer.toString(lingerMs));
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("max.request.size", Integer.toString(Math.max(batchSize * 2, 1 << 20)));
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        // a minute ago: a timestamp older than the brokers' retention (7 days) would let the next retention check
        // delete the records under the test
        long ts = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(p)) {
            for (int i = 0; i < count; i++) {
                byte[] key = keys > 0 ? b("key-" + (i % keys)) : i % 7 == 0 ? null : i % 13 == 0 ? new byte[0] : b("key-" + i + (i % 4 == 0 ? "-ключ" : ""));
                byte[] value = null;
                if (i % 11 != 0) {
                    value = new byte[i % 17 == 0 ? 0 : 40 + (i * 7919) % 600];
                    for (int j = 0; j < value.length; j++) value[j] = (byte) ((i * 31 + j * (j % 5 == 0 ? 7 : 1)) & 0xff);
                }
                List<Header> hs = new ArrayList<>();
                if (i % 3 == 0) { hs.add(new RecordHeader("a", null)); hs.add(new RecordHeader("b", b("x" + i))); hs.add(new RecordHeader("a", b("y"))); }
                if (i % 5 == 0) hs.add(new RecordHeader("ключ-🙂", new byte[] {0, (byte) 255, (byte) i}));
                if (i % 9 == 0) hs.add(new RecordHeader("", new byte[0]));
                long t = ts + i * 3L - (i % 10 == 9 ? 5000 : 0);
                pr.send(new ProducerRecord<>(topic, partition, t, key, value, hs));
            }
            pr.flush();
        }
    }

    static void consume(String bootstrap, String topic, int partitions, long expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 60_000;
            long seen = 0;
            while (System.currentTimeMillis() < deadline) {
                boolean done = true;
                for (TopicPartition tp : tps) if (c.position(tp) < end.get(tp)) done = false;
                if (done && seen >= expected) break;
                // a committed transaction's markers reach the partitions after EndTxn returns: the last stable
                // offset (read_committed's end) may still move up to the expected records
                if (done) end = c.endOffsets(tps);
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(done ? 100 : 500))) {
                    seen++;
                    out.println("{\"partition\":" + r.partition() + ",\"offset\":\"" + r.offset() + "\",\"timestamp\":\"" + r.timestamp() + "\",\"timestampType\":"
                        + q(r.timestampType().name) + ",\"key\":" + hex(r.key()) + ",\"value\":" + hex(r.value()) + ",\"headers\":" + headers(r.headers().toArray()) + "}");
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        out = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        switch (args[0]) {
            case "dump" -> dump(args[1]);
            case "fixtures" -> fixtures(args[1]);
            case "produce" -> produceAll(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5], Integer.parseInt(args[6]), Integer.parseInt(args[7]), args.length > 8 ? Integer.parseInt(args[8]) : 20);
            case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]), args.length > 4 ? Long.parseLong(args[4]) : 0);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
        out.flush();
    }
}
