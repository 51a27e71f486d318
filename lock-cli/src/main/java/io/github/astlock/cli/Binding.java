package io.github.astlock.cli;

import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;

/**
 * Where picocli keeps the value of an option or positional parameter that is defined in code
 * (not by annotations read through reflection, which costs start-up time): picocli sets it while
 * parsing and reads it for help and defaults; the command reads it with {@link #value()}.
 *
 * @param <T> the value's type
 */
final class Binding<T> implements ISetter, IGetter {
    private T value;

    /** A binding without a value. */
    Binding() {
    }

    /**
     * A binding with a first value.
     *
     * @param initial the value until picocli sets another
     */
    Binding(T initial) {
        value = initial;
    }

    /** @return the value, {@code null} until picocli has set it */
    T value() {
        return value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V newValue) {
        T old = value;
        value = (T) newValue;
        return (V) old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V get() {
        return (V) value;
    }
}
