package dev.skerry.spool;

public enum SpoolMode { DISK, MEMORY_FIRST }
