package dev.broadband.operator.status;

import dev.broadband.protocol.status.SessionStatus;
import java.io.IOException;

/** Reads a sender's status endpoint. Behind an interface so reconciler tests use a fake. */
public interface SenderStatusClient {

  /**
   * @param host the sender pod's host IP (the sender runs on the host network)
   * @param statusPort the TCP port of its status endpoint
   */
  SessionStatus fetch(String host, int statusPort) throws IOException;
}
