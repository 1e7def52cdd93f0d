#!/usr/bin/env bash
# Prints the JAVA_HOME of a JDK 25: $JAVA_HOME if it is one, else the first under /usr/lib/jvm.
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-25-* /usr/lib/jvm/*25*; do
  [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
  "$candidate/bin/java" -version 2>&1 | grep -q 'version "25' && { echo "$candidate"; exit 0; }
done
exit 1
