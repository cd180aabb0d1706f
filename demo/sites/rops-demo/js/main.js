document.querySelector('.cookie-accept')?.addEventListener('click',e=>e.target.parentNode.remove());
