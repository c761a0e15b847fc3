package dev.broadband.operator.sender;

/** Object names derived from the ImageBroadcast's, kept within Kubernetes' 63-character limit. */
final class Names {

  static final int MAX = 63;

  private Names() {
  }

  static String truncate(String base, String suffix) {
    int room = MAX - suffix.length();
    String head = base.length() > room ? base.substring(0, room) : base;
    // A name must not end in '-' or '.' once cut.
    while (!head.isEmpty() && (head.endsWith("-") || head.endsWith("."))) {
      head = head.substring(0, head.length() - 1);
    }
    return head + suffix;
  }
}
