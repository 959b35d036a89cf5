package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The request was not sent, because an earlier answer showed that every request of its model (or every
 * request of its shape, such as a temperature the model does not support) would fail the same way: a
 * wrong key, an exhausted quota, an unknown model, an unsupported parameter value. The message names
 * that failure. A benchmark invocation that ends with it is aborted, not an error: nothing was asked.
 */
@API(status = STABLE, since = "0.1")
public class NotSentException extends LlmException {
    NotSentException(String model, String detail, Throwable cause) {
        super(ErrorKind.NOT_SENT, model, 0, 0, null, null, null, detail, cause);
    }
}
