// The snippet a consent manager's callback would run before leadsync.js has loaded: the calls
// wait in Leadsync.q and run once the script is there.
window.Leadsync = window.Leadsync || { q: [] };
window.Leadsync.q.push(['consent', true]);
