import unittest

from {{module}} import ORDER, order


class OrderTest(unittest.TestCase):
    def test_an_order_is_a_struct_with_every_field(self):
        o = order(7)
        self.assertIs(o.schema, ORDER)
        self.assertEqual([f.name for f in ORDER.fields], ["seq", "customer", "amount", "express"])
        self.assertEqual(o.get("seq"), 7)
        self.assertEqual(o.get("customer"), "customer-7")
        self.assertEqual(o.get("amount"), 1.75)
        self.assertFalse(o.get("express"))
        o.validate()


if __name__ == "__main__":
    unittest.main()
