// The demo function of mini-share-point: the current time, as Python's time.ctime() writes it.
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function ctime(d) {
  const pad = (n) => String(n).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, " ");
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${time} ${d.getFullYear()}`;
}

export function entry_call() {
  return `It is currently: \n\t${ctime(new Date())}`;
}
