import unittest

from polyconnect import Schema, SchemaBuilder, SinkRecord, Struct

from {{module}} import describe


class DescribeTest(unittest.TestCase):
    def test_a_struct_is_written_field_by_field(self):
        schema = (SchemaBuilder.struct().field("seq", Schema.INT64_SCHEMA)
                  .field("customer", Schema.STRING_SCHEMA).build())
        value = Struct(schema, seq=3, customer="customer-3")
        record = SinkRecord("orders", 0, None, None, schema, value, 42)
        self.assertEqual(describe(record), "orders-0@42 seq=3 customer=customer-3")

    def test_other_values_are_written_as_they_are(self):
        record = SinkRecord("orders", 1, None, None, Schema.STRING_SCHEMA, "hello", 5)
        self.assertEqual(describe(record), "orders-1@5 hello")


if __name__ == "__main__":
    unittest.main()
