namespace Lem.Engine.Config;

public enum DeviceKind { Cpu, Cuda }
