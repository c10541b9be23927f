"""Reading and writing the case register, the local store and exports."""
