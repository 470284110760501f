// CrashLab runs backends as Linux processes (setsid, SIGKILL, /proc): so do its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
