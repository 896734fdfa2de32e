#!/usr/bin/env python3
"""The Python client must sign exactly like the server: same inputs, same hex as the vector
pinned in src/shared/signing.test.ts and quoted in docs/device-protocol.md."""

import os
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from signaldesk_device import DeviceClient, canonical_string, sign  # noqa: E402

SECRET = "HohInMNeWdkOO--R9O7aTHct2i90OB5L0f345u-XsUQ"
FILL_BODY = (
    b'{"signalId":"sig_01KAB3P0000000000000000000","price":1.08542,"volume":0.1,"brokerTicket":"123456789"}'
)


class PinnedVector(unittest.TestCase):
    def test_poll_with_an_empty_body_signs_as_pinned(self):
        args = ("GET", "/api/v1/device/poll?wait=25", 1795255200, "b7Qm2xVt9LkP4sRz", b"")
        self.assertEqual(
            canonical_string(*args),
            "GET\n/api/v1/device/poll?wait=25\n1795255200\nb7Qm2xVt9LkP4sRz\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        )
        self.assertEqual(
            sign(SECRET, *args), "c0d49dfc37596d15fb3dcbfae31d44204d03aaf3efcaf996a95f78282bf10317"
        )

    def test_fill_signs_as_pinned(self):
        args = ("POST", "/api/v1/device/fill", 1795255202, "Zr4d8N1cQp7WfT3yHs6k", FILL_BODY)
        self.assertEqual(
            sign(SECRET, *args), "f0e96a0cdbafff49b38fd45eca70a7ac5b4c0235b367e94b98d793d51757cc76"
        )

    def test_the_client_signs_the_path_it_actually_sends_behind_a_prefix(self):
        sent = {}

        def fake_urlopen(req, timeout):
            sent["url"] = req.full_url
            sent["headers"] = {k.lower(): v for k, v in req.header_items()}
            raise OSError("nothing is sent in a test")

        client = DeviceClient("https://example.test/sd/", "dev_x", SECRET, clock=lambda: 1795255200.9)
        with mock.patch("urllib.request.urlopen", fake_urlopen), self.assertRaises(OSError):
            client.poll(25)
        headers = sent["headers"]
        self.assertEqual(sent["url"], "https://example.test/sd/api/v1/device/poll?wait=25")
        self.assertEqual(headers["x-device-id"], "dev_x")
        self.assertEqual(headers["x-timestamp"], "1795255200")
        self.assertRegex(headers["x-nonce"], r"^[A-Za-z0-9_-]{16,64}$")
        expected = sign(SECRET, "GET", "/sd/api/v1/device/poll?wait=25", 1795255200, headers["x-nonce"], b"")
        self.assertEqual(headers["x-signature"], expected)


if __name__ == "__main__":
    unittest.main()
