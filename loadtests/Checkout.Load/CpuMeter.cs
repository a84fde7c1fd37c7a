using System.Globalization;

namespace Marketplace.Checkout.Load;

/// <summary>
/// CPU time spent over the measured phase, read from Linux's <c>/proc</c>: by one process (the API, given with
/// <c>--cpu-pid</c>) and by the whole machine (every core's busy time: the API, PostgreSQL, RabbitMQ, this generator).
/// At a fixed arrival rate the CPU each placed checkout costs is steadier than a throughput figure on a shared machine,
/// so a change such as turning telemetry on shows as milliseconds of CPU per checkout.
/// </summary>
internal sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK).
    private readonly int? _pid;
    private readonly (long Process, long Machine) _start;

    private CpuMeter(int? pid)
    {
        _pid = pid;
        _start = Read();
    }

    /// <summary>Starts measuring, or null off Linux, where there is no <c>/proc</c>.</summary>
    public static CpuMeter? Start(int? pid) => File.Exists("/proc/stat") ? new CpuMeter(pid) : null;

    /// <summary>The CPU seconds the process (null without a pid) and the machine spent since the start.</summary>
    public (double? ProcessSeconds, double MachineSeconds) Elapsed()
    {
        var now = Read();
        return (_pid is null ? null : (now.Process - _start.Process) / TicksPerSecond, (now.Machine - _start.Machine) / TicksPerSecond);
    }

    private (long Process, long Machine) Read() => (_pid is { } pid ? ProcessTicks(pid) : 0, MachineBusyTicks());

    /// <summary>utime + stime of the process: fields 14 and 15 of <c>/proc/PID/stat</c>, counted after the name's closing parenthesis.</summary>
    private static long ProcessTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every core's time spent running something here: the first line of <c>/proc/stat</c> is user, nice, system, idle,
    /// iowait, irq, softirq, steal, guest, guest_nice. Idle and iowait ran nothing; steal is time the hypervisor gave to
    /// another machine; guest time is already inside user and nice.
    /// </summary>
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
    }
}
