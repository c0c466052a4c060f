import unittest

from polyconnect import ConnectRecord

from {{module}} import {{class}}


class {{class}}Test(unittest.TestCase):
    def test_records_go_to_the_prefixed_topic_and_tombstones_are_dropped(self):
        t = {{class}}()
        t.configure({"topic.prefix": "x-"})
        out = t.apply(ConnectRecord("orders", value="v"))
        self.assertEqual((out.topic, out.value), ("x-orders", "v"))
        self.assertIsNone(t.apply(ConnectRecord("orders", value=None)))


if __name__ == "__main__":
    unittest.main()
