"""oversight"""
