package dev.broadband.operator.reconciler;

/** The ports of one running broadcast: data, control (always data + 1) and status. */
public record PortSlot(int index, int dataPort, int controlPort, int statusPort) {

  public static PortSlot of(int index, OperatorConfig config) {
    // Slots are 3 apart so the default status port (data + 2) never meets another slot's ports.
    int data = config.baseDataPort() + 3 * index;
    return new PortSlot(index, data, data + 1, config.baseStatusPort() + 3 * index);
  }
}
