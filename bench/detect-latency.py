#!/usr/bin/env python3
"""Alarm latency: from a new TCP listener to its in-alarm event at the broker, RUNS times.

Subscribes to things/+/alarms on a local Mosquitto over mutual TLS (a minimal MQTT 3.1.1 client,
standard library only), then, RUNS times: waits a random part of a check interval, opens a listener
on PORT, takes the time until the in-alarm event of that port arrives, closes the listener and waits
for its alarm-cleared. Prints one latency in ms a line.
    detect-latency.py PKI_DIR BROKER_PORT PORT RUNS CHECK_SECONDS
"""
import json
import random
import socket
import ssl
import struct
import sys
import time


def remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def string(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def packet(kind, body):
    return bytes([kind]) + remaining_length(len(body)) + body


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("broker closed the connection")
        data += chunk
    return data


def read_packet(conn):
    kind = read_exact(conn, 1)[0]
    length, shift = 0, 0
    while True:
        byte = read_exact(conn, 1)[0]
        length += (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return kind, read_exact(conn, length)


def events(conn):
    while True:
        kind, body = read_packet(conn)
        if kind >> 4 != 3:
            continue
        topic_length = struct.unpack("!H", body[:2])[0]
        start = 2 + topic_length + (2 if (kind >> 1) & 3 else 0)
        yield json.loads(body[start:])


def main():
    pki, broker_port, port, runs, check = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    context = ssl.create_default_context(cafile=f"{pki}/ca.pem")
    context.load_cert_chain(f"{pki}/client.pem", f"{pki}/client.key")
    conn = context.wrap_socket(socket.create_connection(("localhost", broker_port)), server_hostname="localhost")
    conn.sendall(packet(0x10, string("MQTT") + bytes([4, 2]) + struct.pack("!H", 60) + string("bench-latency")))
    read_packet(conn)
    conn.sendall(packet(0x82, struct.pack("!H", 1) + string("things/+/alarms") + bytes([0])))
    read_packet(conn)
    stream = events(conn)
    for _ in range(runs):
        time.sleep(random.uniform(0, check))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        opened = time.monotonic_ns()
        listener.listen(1)
        for event in stream:
            if event["violationEventType"] == "in-alarm" and port in event["metricValue"].get("ports", []):
                break
        print(f"{(time.monotonic_ns() - opened) / 1e6:.1f}", flush=True)
        listener.close()
        for event in stream:
            if event["violationEventType"] == "alarm-cleared" and event["behavior"]["name"] == "no-bench-port":
                break


if __name__ == "__main__":
    main()
