package io.stratum.sme.api.runtime;

/** A runtime could not be launched (program missing, no free port, ...). */
public class RuntimeLaunchException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and what to do
     * @param cause the underlying exception, or {@code null}
     */
    public RuntimeLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
