package dev.broadband.operator.reconciler;

import java.util.Optional;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What the API server answered when it refused a request, in words a user can act on. */
final class ApiErrors {

  static final int CONFLICT = 409;

  private ApiErrors() {
  }

  /** The API server's refusal behind a failed pass, however deep the framework wrapped it. */
  static Optional<KubernetesClientException> refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * "HTTP 403: pods "os-sender-0" is forbidden: violates PodSecurity ...": the server's own
   * message, without fabric8's request dump around it.
   */
  static String describe(KubernetesClientException e) {
    String message = e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage() : e.getMessage();
    return "HTTP " + e.getCode() + ": " + message;
  }
}
