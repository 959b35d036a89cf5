/**
 * Small concurrency parts the engine and the client share: {@link dev.evalunit.internal.concurrent.InFlight}
 * counts work under way so that closing can wait for it. Depends on the JDK only.
 */
package dev.evalunit.internal.concurrent;
