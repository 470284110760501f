// Prints a ready-like line, then waits for end of input: the cheapest possible "backend".
Console.Out.Write("{\"event\":\"ready\"}\n");
Console.Out.Flush();
Console.In.ReadToEnd();
