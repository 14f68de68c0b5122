"""Prints a base port for a local cluster of N silos: BASE..BASE+N-1 and BASE+100..BASE+100+N-1 all free on loopback.

The range is chosen below the kernel's ephemeral range (where outgoing connections, such as the load tester's and
PostgreSQL's clients, take their local ports at any moment), so no port of the cluster can be taken between this check
and the silos binding it. Usage: python3 infra/cluster/free-base-port.py N
"""
import random
import socket
import sys


def ephemeral_low(default=32768):
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return default


def all_free(ports):
    sockets = []
    try:
        for port in ports:
            s = socket.socket()
            sockets.append(s)
            s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        for s in sockets:
            s.close()


def main():
    silos = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    low, high = 10000, min(ephemeral_low(), 65535) - 100 - silos
    for _ in range(500):
        base = random.randrange(low, high)
        if all_free([base + i for i in range(silos)] + [base + 100 + i for i in range(silos)]):
            print(base)
            return
    sys.exit(f"no free range of ports for {silos} silos below {high}")


main()
