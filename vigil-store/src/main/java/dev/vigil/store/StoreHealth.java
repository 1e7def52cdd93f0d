package dev.vigil.store;

/**
 * @param available  false when the store cannot be written (then {@code reason} says why)
 * @param rows       events stored now
 * @param bytes      size of the database files
 * @param dropped    events that could not be stored (store unavailable, or its queue full)
 * @param expired    events removed by retention
 */
public record StoreHealth(boolean available, String reason, long rows, long bytes, long dropped, long expired) {}
