"""Brands: wanted, excluded, swapped, and phones named for compatibility ("case for iphone 14"); `parse.parse`."""
