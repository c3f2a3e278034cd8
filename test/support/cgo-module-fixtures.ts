// Real third-party cgo modules as users have them, for test/e2e/cgo-modules.test.ts:
// each is a small program that exercises the module's C code and prints one line.
//   - confluent-kafka-go v2: its bundled librdkafka (a prebuilt static archive per
//     libc; -tags musl picks the musl one), a produce and a consume through
//     librdkafka's in-process mock cluster (loopback only, no broker);
//   - DataDog/zstd: zstd's C sources bundled in the module, a compress and
//     decompress round trip;
//   - gopacket/pcap: needs libpcap, which the user must provide.

export const KAFKA = { module: 'github.com/confluentinc/confluent-kafka-go/v2', version: 'v2.11.1' }
/** librdkafka's version, then the message consumed back. */
export const KAFKA_ANSWER = /^librdkafka 2\.11\.1 consumed "hello"\n$/

export const KAFKA_MAIN = `package main

import (
	"fmt"
	"os"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

func fail(what string, err error) {
	fmt.Fprintln(os.Stderr, what+":", err)
	os.Exit(1)
}

func main() {
	_, version := kafka.LibraryVersion()
	cluster, err := kafka.NewMockCluster(1)
	if err != nil {
		fail("mock cluster", err)
	}
	defer cluster.Close()
	servers := cluster.BootstrapServers()
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": servers})
	if err != nil {
		fail("producer", err)
	}
	topic := "t"
	msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Value: []byte("hello")}
	if err = p.Produce(msg, nil); err != nil {
		fail("produce", err)
	}
	if m, ok := (<-p.Events()).(*kafka.Message); ok && m.TopicPartition.Error != nil {
		fail("delivery", m.TopicPartition.Error)
	}
	p.Close()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": servers, "group.id": "g", "auto.offset.reset": "earliest"})
	if err != nil {
		fail("consumer", err)
	}
	defer c.Close()
	if err = c.Subscribe(topic, nil); err != nil {
		fail("subscribe", err)
	}
	m, err := c.ReadMessage(60 * time.Second)
	if err != nil {
		fail("consume", err)
	}
	fmt.Printf("librdkafka %s consumed %q\\n", version, m.Value)
}
`

export const ZSTD = { module: 'github.com/DataDog/zstd', version: 'v1.5.7' }
export const ZSTD_ANSWER = /^zstd 9000 bytes -> \d+ bytes -> 9000 bytes, level 19\n$/

export const ZSTD_MAIN = `package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/DataDog/zstd"
)

func main() {
	in := bytes.Repeat([]byte("gostatic "), 1000)
	z, err := zstd.CompressLevel(nil, in, 19)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compress:", err)
		os.Exit(1)
	}
	out, err := zstd.Decompress(nil, z)
	if err != nil || !bytes.Equal(in, out) {
		fmt.Fprintln(os.Stderr, "decompress:", err, len(out))
		os.Exit(1)
	}
	fmt.Printf("zstd %d bytes -> %d bytes -> %d bytes, level 19\\n", len(in), len(z), len(out))
}
`

export const GOPACKET = { module: 'github.com/google/gopacket', version: 'v1.1.19' }

export const GOPACKET_MAIN = `package main

import (
	"fmt"

	"github.com/google/gopacket/pcap"
)

func main() { fmt.Println(pcap.Version()) }
`
